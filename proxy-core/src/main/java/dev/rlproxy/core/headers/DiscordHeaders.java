package dev.rlproxy.core.headers;

import java.util.List;

/**
 * Discord: {@code X-RateLimit-Bucket} (the bucket id), {@code -Limit}, {@code -Remaining},
 * {@code -Reset} (fractional epoch seconds), {@code -Reset-After} (fractional seconds, preferred:
 * it does not depend on our clock agreeing with Discord's), {@code -Global} and {@code -Scope}.
 *
 * <p>A 429 also carries a JSON body, {@code {"message": ..., "retry_after": 64.57, "global": false}}.
 * It is not read: {@code global} is also sent as {@code X-RateLimit-Global}, and {@code retry_after}
 * only adds precision to the whole-second {@code Retry-After}. On a refusal the longer of
 * {@code Retry-After} and {@code X-RateLimit-Reset-After} is the wait, so a header rounded down
 * ({@code 1337} for {@code 1337.57}) never sends the next request early.
 */
public final class DiscordHeaders implements HeaderDialect {

    @Override
    public RateLimitObservation parse(UpstreamResponse response, long nowEpochMillis) {
        ResponseHeaders headers = response.headers();
        String bucket = HeaderValues.token(HeaderValues.first(headers, "X-RateLimit-Bucket"));
        long limit = HeaderValues.count(HeaderValues.first(headers, "X-RateLimit-Limit"));
        long remaining = HeaderValues.count(HeaderValues.first(headers, "X-RateLimit-Remaining"));
        long resetAfter = HeaderValues.secondsAsMillis(HeaderValues.first(headers, "X-RateLimit-Reset-After"));
        long resetAt = HeaderValues.plus(nowEpochMillis, resetAfter);
        if (resetAt < 0) {
            resetAt = HeaderValues.epochSecondsAsMillis(HeaderValues.first(headers, "X-RateLimit-Reset"), nowEpochMillis);
        }
        boolean global = HeaderValues.isTrue(HeaderValues.first(headers, "X-RateLimit-Global"))
                || "global".equalsIgnoreCase(HeaderValues.first(headers, "X-RateLimit-Scope"));

        RetryAfterHeaders.Refusal refusal = RetryAfterHeaders.refusal(response, nowEpochMillis);
        long retryAfter = refusal.retryAfterMillis();
        if (response.status() == 429 && resetAfter >= 0 && retryAfter >= 0) {
            retryAfter = Math.max(retryAfter, resetAfter);
        }

        List<RateLimitWindow> windows = KnownWindows.of(bucket, limit, remaining, resetAt);
        return new RateLimitObservation(bucket, windows, refusal.throttled(), global, retryAfter);
    }

    @Override
    public String toString() {
        return "discord";
    }
}
