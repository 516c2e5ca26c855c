package dev.rlproxy.core.headers;

import dev.rlproxy.core.headers.StructuredFieldList.Member;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers), in the three shapes
 * found in the wild, most recent first; the first shape present wins:
 * <ol>
 *   <li>current drafts: {@code RateLimit-Policy: "default";q=100;w=60} and
 *       {@code RateLimit: "default";r=50;t=30}, one window per policy name (q quota, r remaining,
 *       t seconds until reset; w, qu and pk are not needed by the limiter);</li>
 *   <li>draft 07's dictionary: {@code RateLimit: limit=100, remaining=50, reset=30};</li>
 *   <li>the early drafts' triple {@code RateLimit-Limit} / {@code -Remaining} / {@code -Reset}, where
 *       Limit may carry policies after the number ({@code 10, 10;w=1}) and Reset is delta seconds.</li>
 * </ol>
 * A 429 is throttled; Retry-After is honoured as everywhere.
 */
public final class IetfHeaders implements HeaderDialect {

    @Override
    public RateLimitObservation parse(UpstreamResponse response, long nowEpochMillis) {
        ResponseHeaders headers = response.headers();
        List<Member> current = StructuredFieldList.parse(HeaderValues.joined(headers, "RateLimit"));
        List<RateLimitWindow> windows = namedPolicies(
                StructuredFieldList.parse(HeaderValues.joined(headers, "RateLimit-Policy")), current, nowEpochMillis);
        if (windows.isEmpty()) {
            windows = dictionary(current, nowEpochMillis);
        }
        if (windows.isEmpty()) {
            windows = triple(headers, nowEpochMillis);
        }
        RetryAfterHeaders.Refusal refusal = RetryAfterHeaders.refusal(response, nowEpochMillis);
        return new RateLimitObservation(null, windows, refusal.throttled(), false, refusal.retryAfterMillis());
    }

    /** Current drafts: policies named by a string item, quota in {@code q}, live values in {@code r} and {@code t}. */
    private static List<RateLimitWindow> namedPolicies(List<Member> policies, List<Member> current, long now) {
        Map<String, long[]> byName = new LinkedHashMap<>();
        for (Member policy : policies) {
            if (policy.value() == null && policy.params().containsKey("q")) {
                window(byName, policy.key())[0] = HeaderValues.count(policy.params().get("q"));
            }
        }
        for (Member live : current) {
            Map<String, String> params = live.params();
            if (live.value() == null && (params.containsKey("r") || params.containsKey("t"))) {
                long[] window = window(byName, live.key());
                window[1] = HeaderValues.count(params.get("r"));
                window[2] = HeaderValues.plus(now, HeaderValues.secondsAsMillis(params.get("t")));
            }
        }
        List<RateLimitWindow> windows = new ArrayList<>();
        byName.forEach((name, values) -> windows.addAll(KnownWindows.of(name, values[0], values[1], values[2])));
        return windows;
    }

    private static long[] window(Map<String, long[]> byName, String name) {
        String key = HeaderValues.token(name);
        return byName.computeIfAbsent(key == null ? "default" : key, n -> new long[] {-1, -1, -1});
    }

    /** Draft 07: {@code RateLimit: limit=100, remaining=50, reset=30}. */
    private static List<RateLimitWindow> dictionary(List<Member> current, long now) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Member member : current) {
            if (member.value() != null) {
                values.putIfAbsent(member.key().toLowerCase(Locale.ROOT), member.value());
            }
        }
        return KnownWindows.of("default",
                HeaderValues.count(values.get("limit")),
                HeaderValues.count(values.get("remaining")),
                HeaderValues.plus(now, HeaderValues.secondsAsMillis(values.get("reset"))));
    }

    /** Early drafts: three separate fields; only the leading number of RateLimit-Limit is the limit. */
    private static List<RateLimitWindow> triple(ResponseHeaders headers, long now) {
        List<Member> limit = StructuredFieldList.parse(HeaderValues.first(headers, "RateLimit-Limit"));
        return KnownWindows.of("default",
                limit.isEmpty() ? HeaderValues.UNKNOWN : HeaderValues.count(limit.get(0).key()),
                HeaderValues.count(HeaderValues.first(headers, "RateLimit-Remaining")),
                HeaderValues.plus(now, HeaderValues.secondsAsMillis(HeaderValues.first(headers, "RateLimit-Reset"))));
    }

    @Override
    public String toString() {
        return "ietf";
    }
}
