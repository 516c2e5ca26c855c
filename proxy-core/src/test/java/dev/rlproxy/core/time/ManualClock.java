package dev.rlproxy.core.time;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when told to: for tests and simulations (bucket4j's TimeMeterMock). */
public final class ManualClock implements Clock {

    private final AtomicLong nanos = new AtomicLong();
    private final long wallOriginMillis;

    /** Starts at monotonic 0 and the given wall time. */
    public ManualClock(long wallOriginMillis) {
        this.wallOriginMillis = wallOriginMillis;
    }

    /** Starts at monotonic 0 and wall time 2026-01-01T00:00:00Z. */
    public ManualClock() {
        this(1_767_225_600_000L);
    }

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    @Override
    public long wallMillis() {
        return wallOriginMillis + Math.floorDiv(nanos.get(), 1_000_000L);
    }

    public void advance(Duration by) {
        advanceNanos(by.toNanos());
    }

    public void advanceNanos(long by) {
        if (by < 0) {
            throw new IllegalArgumentException("time never goes back: " + by);
        }
        nanos.addAndGet(by);
    }
}
