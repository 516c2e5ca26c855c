package dev.rlproxy.core.headers;

import java.util.Objects;

/**
 * An upstream described by a {@link CustomHeaderMapping} instead of a built-in dialect: one window
 * (named after the bucket when the upstream names it), a 429 is throttled, and the mapping's own
 * retry-after header is read before the standard Retry-After.
 */
public final class CustomHeaders implements HeaderDialect {

    private final CustomHeaderMapping mapping;

    public CustomHeaders(CustomHeaderMapping mapping) {
        this.mapping = Objects.requireNonNull(mapping, "mapping");
    }

    @Override
    public RateLimitObservation parse(UpstreamResponse response, long nowEpochMillis) {
        ResponseHeaders headers = response.headers();
        String bucket = HeaderValues.token(value(headers, mapping.bucketHeader()));
        long limit = HeaderValues.count(value(headers, mapping.limitHeader()));
        long remaining = HeaderValues.count(value(headers, mapping.remainingHeader()));
        long resetAt = resetAt(value(headers, mapping.resetHeader()), nowEpochMillis);

        RetryAfterHeaders.Refusal refusal = RetryAfterHeaders.refusal(response, nowEpochMillis);
        boolean throttled = refusal.throttled();
        long retryAfter = refusal.retryAfterMillis();
        if (response.status() == 429 || response.status() == 503) {
            long custom = RetryAfterHeaders.retryAfterMillis(value(headers, mapping.retryAfterHeader()), nowEpochMillis);
            if (custom >= 0) {
                retryAfter = custom;
                throttled = true;
            }
        }
        return new RateLimitObservation(bucket, KnownWindows.of(bucket, limit, remaining, resetAt),
                throttled, false, retryAfter);
    }

    private long resetAt(String value, long now) {
        if (value == null) {
            return HeaderValues.UNKNOWN;
        }
        return switch (mapping.resetFormat()) {
            case EPOCH_SECONDS -> HeaderValues.epochSecondsAsMillis(value, now);
            case EPOCH_MILLIS -> HeaderValues.epochWithinReach(HeaderValues.count(value), now);
            case DELTA_SECONDS -> HeaderValues.plus(now, HeaderValues.secondsAsMillis(value));
            case DELTA_MILLIS -> HeaderValues.plus(now, HeaderValues.count(value));
        };
    }

    private static String value(ResponseHeaders headers, String name) {
        return name == null ? null : HeaderValues.first(headers, name);
    }

    /** The mapping this dialect reads. */
    public CustomHeaderMapping mapping() {
        return mapping;
    }

    @Override
    public String toString() {
        return "custom" + mapping;
    }
}
