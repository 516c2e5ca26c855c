package dev.rlproxy.core.headers;

import java.util.List;

/**
 * GitHub REST and GraphQL: {@code X-RateLimit-Limit/Remaining/Used/Reset} (reset in epoch seconds)
 * and {@code X-RateLimit-Resource} ({@code core}, {@code search}, {@code graphql}...), which names
 * both the bucket and the window.
 *
 * <p>GitHub refuses with 403 as well as 429, and a 403 is also its plain "permission denied". So a
 * 403 counts as throttled only with a rate-limit signal: remaining 0 (primary limit) or a
 * Retry-After (secondary limit). When the primary limit is spent and no Retry-After is given,
 * GitHub's docs say to wait until the reset time, so that becomes the retry-after.
 *
 * <p>A limit of 0, or more used or remaining than the limit, is no information (see
 * {@link RateLimitWindow#isCredible()}): such an answer neither reports a window nor counts as spent.
 */
public final class GitHubHeaders implements HeaderDialect {

    @Override
    public RateLimitObservation parse(UpstreamResponse response, long nowEpochMillis) {
        ResponseHeaders headers = response.headers();
        String resource = HeaderValues.token(HeaderValues.first(headers, "X-RateLimit-Resource"));
        long limit = HeaderValues.count(HeaderValues.first(headers, "X-RateLimit-Limit"));
        long remaining = HeaderValues.count(HeaderValues.first(headers, "X-RateLimit-Remaining"));
        long used = HeaderValues.count(HeaderValues.first(headers, "X-RateLimit-Used"));
        long resetAt = HeaderValues.epochSecondsAsMillis(HeaderValues.first(headers, "X-RateLimit-Reset"), nowEpochMillis);
        if (limit >= 0 && used > limit) {
            limit = remaining = HeaderValues.UNKNOWN; // more used than allowed: a broken answer says nothing
        } else if (remaining < 0 && limit >= 0 && used >= 0) {
            remaining = limit - used;
        }
        if (!new RateLimitWindow(resource, limit, remaining, resetAt).isCredible()) {
            limit = remaining = HeaderValues.UNKNOWN; // e.g. Limit: 0, Remaining: 0 (no token can have that)
        }

        boolean refusalStatus = response.status() == 403 || response.status() == 429;
        long retryAfter = refusalStatus
                ? RetryAfterHeaders.retryAfterMillis(HeaderValues.first(headers, RetryAfterHeaders.RETRY_AFTER), nowEpochMillis)
                : HeaderValues.UNKNOWN;
        boolean spent = refusalStatus && remaining == 0;
        if (spent && retryAfter < 0) {
            retryAfter = HeaderValues.millisUntil(resetAt, nowEpochMillis);
        }
        RetryAfterHeaders.Refusal refusal = RetryAfterHeaders.refusal(response, nowEpochMillis);
        boolean throttled = refusal.throttled() || spent || (refusalStatus && retryAfter >= 0);
        if (retryAfter < 0) {
            retryAfter = refusal.retryAfterMillis();
        }

        List<RateLimitWindow> windows = KnownWindows.of(resource, limit, remaining, resetAt);
        return new RateLimitObservation(resource, windows, throttled, false, retryAfter);
    }

    @Override
    public String toString() {
        return "github";
    }
}
