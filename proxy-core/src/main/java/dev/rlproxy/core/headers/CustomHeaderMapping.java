package dev.rlproxy.core.headers;

import java.util.Arrays;
import java.util.Objects;

/**
 * Which headers an upstream without a built-in dialect uses for its rate limits. A null header
 * name means the upstream does not send that piece; at least one header must be named.
 *
 * @param limitHeader      the window's limit, e.g. {@code X-Rate-Limit-Limit}
 * @param remainingHeader  requests left in the window
 * @param resetHeader      when the window resets, read as {@code resetFormat}
 * @param resetFormat      how to read {@code resetHeader}; required when it is set
 * @param bucketHeader     the upstream's bucket id, if it names its buckets
 * @param retryAfterHeader a non-standard Retry-After (delta seconds or HTTP-date), read on 429/503
 *                         before the standard {@code Retry-After}
 */
public record CustomHeaderMapping(
        String limitHeader,
        String remainingHeader,
        String resetHeader,
        ResetFormat resetFormat,
        String bucketHeader,
        String retryAfterHeader) {

    /** How a reset header expresses time. */
    public enum ResetFormat {
        /** Epoch seconds, fractions allowed: {@code 1470173023.123}. */
        EPOCH_SECONDS,
        /** Epoch milliseconds: {@code 1470173023123}. */
        EPOCH_MILLIS,
        /** Seconds from now, fractions allowed: {@code 30}, {@code 1.5}. */
        DELTA_SECONDS,
        /** Milliseconds from now: {@code 1500}. */
        DELTA_MILLIS
    }

    public CustomHeaderMapping {
        checkName("limitHeader", limitHeader);
        checkName("remainingHeader", remainingHeader);
        checkName("resetHeader", resetHeader);
        checkName("bucketHeader", bucketHeader);
        checkName("retryAfterHeader", retryAfterHeader);
        if (Arrays.stream(new String[] {limitHeader, remainingHeader, resetHeader, bucketHeader, retryAfterHeader})
                .allMatch(Objects::isNull)) {
            throw new IllegalArgumentException("a custom header mapping needs at least one of limitHeader, "
                    + "remainingHeader, resetHeader, bucketHeader, retryAfterHeader");
        }
        if (resetHeader != null && resetFormat == null) {
            throw new IllegalArgumentException("resetHeader '" + resetHeader + "' needs a resetFormat, one of "
                    + Arrays.toString(ResetFormat.values()));
        }
    }

    /** Header names are HTTP tokens: no blanks, whitespace or colons. */
    private static void checkName(String field, String name) {
        if (name == null) {
            return;
        }
        boolean valid = !name.isEmpty() && name.chars().allMatch(c -> c > ' ' && c < 127 && c != ':');
        if (!valid) {
            throw new IllegalArgumentException(field + " must be an HTTP header name (no spaces or colons), got '"
                    + name + "'; leave it out (null) if the upstream does not send it");
        }
    }
}
