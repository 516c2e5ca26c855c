package dev.rlproxy.core.headers;

import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI: two windows, {@code requests} and {@code tokens}, from
 * {@code x-ratelimit-limit-*}, {@code x-ratelimit-remaining-*} and {@code x-ratelimit-reset-*},
 * where the reset is a Go duration ({@code 1s}, {@code 6m0s}, {@code 20ms}) turned into an absolute
 * time. A 429 is throttled. Besides Retry-After, OpenAI sends {@code retry-after-ms}, which is
 * more precise and wins when readable.
 */
public final class OpenAiHeaders implements HeaderDialect {

    private static final List<String> WINDOWS = List.of("requests", "tokens");

    @Override
    public RateLimitObservation parse(UpstreamResponse response, long nowEpochMillis) {
        ResponseHeaders headers = response.headers();
        List<RateLimitWindow> windows = new ArrayList<>();
        for (String name : WINDOWS) {
            windows.addAll(KnownWindows.of(name,
                    HeaderValues.count(HeaderValues.first(headers, "x-ratelimit-limit-" + name)),
                    HeaderValues.count(HeaderValues.first(headers, "x-ratelimit-remaining-" + name)),
                    HeaderValues.plus(nowEpochMillis,
                            HeaderValues.goDurationAsMillis(HeaderValues.first(headers, "x-ratelimit-reset-" + name)))));
        }
        RetryAfterHeaders.Refusal refusal = RetryAfterHeaders.refusal(response, nowEpochMillis);
        long retryAfter = refusal.retryAfterMillis();
        if (response.status() == 429) {
            long preciseRetryAfter = HeaderValues.deltaWithinReach(
                    HeaderValues.count(HeaderValues.first(headers, "retry-after-ms")));
            if (preciseRetryAfter >= 0) {
                retryAfter = preciseRetryAfter;
            }
        }
        return new RateLimitObservation(null, windows, refusal.throttled(), false, retryAfter);
    }

    @Override
    public String toString() {
        return "openai";
    }
}
