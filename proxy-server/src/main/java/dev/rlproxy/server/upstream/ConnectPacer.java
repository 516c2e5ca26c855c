package dev.rlproxy.server.upstream;

import java.util.function.LongSupplier;

/**
 * Spreads the new connections to one upstream over time: at most {@code perSecond} a second,
 * evenly spaced, with up to a tenth of a second's worth at once. A crowd of clients arriving
 * together then does not open all its connections in the same instant and overrun a small accept
 * backlog (refused connects, 502s). Shared by the upstream's pools on every event loop.
 */
final class ConnectPacer {

    private final long intervalNanos;
    private final long toleranceNanos;
    private final LongSupplier nanoTime;
    /** When the next connect would be due if connects went strictly one interval apart. */
    private long theoreticalNanos;

    ConnectPacer(int perSecond, LongSupplier nanoTime) {
        if (perSecond < 1) {
            throw new IllegalArgumentException("perSecond must be at least 1, was " + perSecond);
        }
        this.intervalNanos = 1_000_000_000L / perSecond;
        this.toleranceNanos = (Math.max(1, perSecond / 10) - 1) * intervalNanos;
        this.nanoTime = nanoTime;
        this.theoreticalNanos = nanoTime.getAsLong();
    }

    /** Takes the next connect slot: how long to wait before opening the connection (0: now). */
    synchronized long reserveNanos() {
        long now = nanoTime.getAsLong();
        long start = Math.max(now, theoreticalNanos - toleranceNanos);
        theoreticalNanos = Math.max(theoreticalNanos, start) + intervalNanos;
        return start - now;
    }
}
