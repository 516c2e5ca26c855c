package dev.rlproxy.core.limit;

import java.time.Duration;

/**
 * @param maxQueueDepth   requests that may wait at once; more are refused with QUEUE_FULL
 * @param resetMargin     safety added to every upstream-reported reset time (clock skew, rounding)
 * @param maxResetWait    the furthest ahead a reported reset or retry-after is believed: no single
 *                        answer holds a learned bucket longer (plus {@code resetMargin})
 */
public record LimiterSettings(int maxQueueDepth, Duration resetMargin, Duration maxResetWait) {

    public static final Duration DEFAULT_MAX_RESET_WAIT = Duration.ofHours(1);
    public static final LimiterSettings DEFAULTS = new LimiterSettings(10_000, Duration.ofMillis(500));

    public LimiterSettings {
        if (maxQueueDepth < 0) {
            throw new IllegalArgumentException("maxQueueDepth must not be negative");
        }
        if (resetMargin == null || resetMargin.isNegative()) {
            throw new IllegalArgumentException("resetMargin must be zero or positive");
        }
        if (maxResetWait == null || maxResetWait.isNegative() || maxResetWait.isZero() || maxResetWait.compareTo(Duration.ofDays(365)) > 0) {
            throw new IllegalArgumentException("maxResetWait must be positive and at most 365 days, was " + maxResetWait);
        }
    }

    /** Settings with the default {@code maxResetWait}. */
    public LimiterSettings(int maxQueueDepth, Duration resetMargin) {
        this(maxQueueDepth, resetMargin, DEFAULT_MAX_RESET_WAIT);
    }
}
