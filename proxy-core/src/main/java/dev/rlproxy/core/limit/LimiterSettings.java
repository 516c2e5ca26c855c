package dev.rlproxy.core.limit;

import java.time.Duration;

/**
 * @param maxQueueDepth   requests that may wait at once; more are refused with QUEUE_FULL
 * @param resetMargin     safety added to every upstream-reported reset time (clock skew, rounding)
 */
public record LimiterSettings(int maxQueueDepth, Duration resetMargin) {

    public static final LimiterSettings DEFAULTS = new LimiterSettings(10_000, Duration.ofMillis(500));

    public LimiterSettings {
        if (maxQueueDepth < 0) {
            throw new IllegalArgumentException("maxQueueDepth must not be negative");
        }
        if (resetMargin == null || resetMargin.isNegative()) {
            throw new IllegalArgumentException("resetMargin must be zero or positive");
        }
    }
}
