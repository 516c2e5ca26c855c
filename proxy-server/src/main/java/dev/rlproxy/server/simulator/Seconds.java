package dev.rlproxy.server.simulator;

import java.util.Locale;

/** Conversions from nanoseconds to the second-based numbers rate-limit headers carry. */
final class Seconds {

    private static final long NANOS_PER_MILLI = 1_000_000L;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private Seconds() {
    }

    /** Whole seconds, rounded up: a client waiting that long is never early. */
    static long ceil(long nanos) {
        return Math.floorDiv(nanos + NANOS_PER_SECOND - 1, NANOS_PER_SECOND);
    }

    /** Whole milliseconds, rounded up. */
    static long ceilMillis(long nanos) {
        return Math.floorDiv(nanos + NANOS_PER_MILLI - 1, NANOS_PER_MILLI);
    }

    /** Seconds with three decimals ({@code "1.234"}), from milliseconds. */
    static String fractionalFromMillis(long millis) {
        return String.format(Locale.ROOT, "%d.%03d", Math.floorDiv(millis, 1000L), Math.floorMod(millis, 1000L));
    }
}
