package dev.rlproxy.core.tokens;

import java.time.Duration;

/** Waits {@code base}, {@code 2 × base}, {@code 4 × base} ... never more than {@code max}. */
record ExponentialBackoff(Duration base, Duration max) {

    ExponentialBackoff {
        if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < base <= max, was " + base + " / " + max);
        }
    }

    /** The delay before attempt number {@code failures + 1}, after {@code failures} (≥ 1) failures. */
    long delayNanos(int failures) {
        long delay = base.toNanos();
        long cap = max.toNanos();
        for (int i = 1; i < failures && delay < cap; i++) {
            delay = delay > cap / 2 ? cap : delay * 2;
        }
        return Math.min(delay, cap);
    }
}
