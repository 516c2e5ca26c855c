package dev.rlproxy.core.store;

import dev.rlproxy.core.time.ManualClock;

class InMemoryTokenPoolStoreTest extends TokenPoolStoreContract {

    private final ManualClock clock = new ManualClock();
    private final InMemoryTokenPoolStore store = new InMemoryTokenPoolStore(clock);

    @Override
    protected TokenPoolStore store() {
        return store;
    }

    @Override
    protected long nowMillis() {
        return clock.wallMillis();
    }

    @Override
    protected void passTime(long millis) {
        clock.advanceNanos(millis * 1_000_000L);
    }
}
