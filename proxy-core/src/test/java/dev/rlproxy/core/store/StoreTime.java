package dev.rlproxy.core.store;

import dev.rlproxy.core.time.ManualClock;

/** The clock a store under contract test keeps its time by, and a way to let it pass. */
public interface StoreTime {

    /** The store's wall clock, epoch millis. */
    long nowMillis();

    /** Lets at least {@code millis} of the store's time pass. */
    void passTime(long millis);

    /** Time on a manual clock (in-memory stores). */
    static StoreTime manual(ManualClock clock) {
        return new StoreTime() {
            @Override
            public long nowMillis() {
                return clock.wallMillis();
            }

            @Override
            public void passTime(long millis) {
                clock.advanceNanos(millis * 1_000_000L);
            }
        };
    }
}
