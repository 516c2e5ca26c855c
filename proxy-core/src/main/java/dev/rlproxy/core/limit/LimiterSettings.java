package dev.rlproxy.core.limit;

import java.time.Duration;

/**
 * @param maxQueueDepth   requests that may wait at once; more are refused with QUEUE_FULL
 * @param resetMargin     safety added to every upstream-reported reset time (clock skew, rounding)
 * @param windowMargin    extra time each configured admission occupies beyond {@code per}: the
 *                        upstream sees a request a little after we admit it (network jitter), so
 *                        two admissions exactly {@code per} apart may land closer than that there
 */
public record LimiterSettings(int maxQueueDepth, Duration resetMargin, Duration windowMargin) {

    public static final LimiterSettings DEFAULTS =
            new LimiterSettings(10_000, Duration.ofMillis(500), Duration.ZERO);

    public LimiterSettings {
        if (maxQueueDepth < 0) {
            throw new IllegalArgumentException("maxQueueDepth must not be negative");
        }
        if (resetMargin == null || resetMargin.isNegative()) {
            throw new IllegalArgumentException("resetMargin must be zero or positive");
        }
        if (windowMargin == null || windowMargin.isNegative()) {
            throw new IllegalArgumentException("windowMargin must be zero or positive");
        }
    }

    /** Settings without a window margin. */
    public LimiterSettings(int maxQueueDepth, Duration resetMargin) {
        this(maxQueueDepth, resetMargin, Duration.ZERO);
    }
}
