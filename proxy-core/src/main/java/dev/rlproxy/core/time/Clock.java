package dev.rlproxy.core.time;

/**
 * The only source of time in the core. Monotonic nanoseconds for every decision; wall-clock
 * milliseconds only to translate upstream reset times (epoch seconds) into monotonic deadlines.
 * Tests use {@code ManualClock} (core test-jar); nothing in the core reads {@code System} time directly.
 */
public interface Clock {

    /** Monotonic time in nanoseconds; only differences are meaningful. */
    long nanoTime();

    /** Wall-clock time in milliseconds since the epoch. */
    long wallMillis();

    /** The system clock. */
    static Clock system() {
        return SystemClock.INSTANCE;
    }
}
