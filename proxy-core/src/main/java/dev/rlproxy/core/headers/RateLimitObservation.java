package dev.rlproxy.core.headers;

import java.util.List;

/**
 * What one upstream response said about rate limits, in a dialect-free form.
 *
 * <p>Every field may be unknown: parsers are total, so garbage in gives an empty or partial
 * observation, never an exception. Unknown numbers are {@code -1}; unknown text is {@code null}.
 *
 * @param bucket           the upstream's own bucket id (Discord {@code X-RateLimit-Bucket}, GitHub
 *                         {@code X-RateLimit-Resource}), or {@code null}
 * @param windows          the limits the response reports (OpenAI reports two: requests and tokens)
 * @param throttled        the response is a rate-limit refusal (429, or GitHub's 403 with nothing left)
 * @param global           the limit or refusal applies to every bucket of this token (Discord global)
 * @param retryAfterMillis how long the upstream asks us to wait before the next request, or -1
 */
public record RateLimitObservation(
        String bucket,
        List<RateLimitWindow> windows,
        boolean throttled,
        boolean global,
        long retryAfterMillis) {

    public static final RateLimitObservation EMPTY = new RateLimitObservation(null, List.of(), false, false, -1);

    public RateLimitObservation {
        windows = windows == null ? List.of() : List.copyOf(windows);
        if (retryAfterMillis < -1) {
            retryAfterMillis = -1;
        }
    }

    /** True when the response said nothing about rate limits. */
    public boolean isEmpty() {
        return bucket == null && windows.isEmpty() && !throttled && !global && retryAfterMillis < 0;
    }
}
