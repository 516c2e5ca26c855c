package dev.rlproxy.core.limit;

import java.time.Duration;

/**
 * A configured limit: no interval of length {@code per} ever sees more than {@code limit}
 * admissions. {@code burst} caps how many may start at once: admissions are spaced so that at
 * most {@code burst} go back to back (burst = limit means no spacing).
 */
public record BucketLimit(long limit, Duration per, long burst) {

    public BucketLimit {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        if (per == null || per.isNegative() || per.isZero()) {
            throw new IllegalArgumentException("per must be a positive duration, was " + per);
        }
        if (burst < 1 || burst > limit) {
            throw new IllegalArgumentException("burst must be between 1 and limit (" + limit + "), was " + burst);
        }
    }

    /** A limit without spacing: burst = limit. */
    public static BucketLimit of(long limit, Duration per) {
        return new BucketLimit(limit, per, limit);
    }
}
