package dev.rlproxy.server.simulator;

import java.time.Duration;

/**
 * Counts accepted requests for one key (a token, or a token's route bucket). Not thread-safe: the
 * caller holds the token's lock and passes non-decreasing monotonic times.
 */
interface RequestWindow {

    /** The window as it stands at {@code nowNanos}. */
    WindowState state(long nowNanos);

    /** Counts one accepted request at {@code nowNanos}; only called when {@link #state} had room. */
    void record(long nowNanos);

    static RequestWindow create(WindowMode mode, int limit, Duration window) {
        long windowNanos = window.toNanos();
        return switch (mode) {
            case FIXED -> new FixedWindowCounter(limit, windowNanos);
            case SLIDING -> new SlidingWindowLog(limit, windowNanos);
        };
    }
}
