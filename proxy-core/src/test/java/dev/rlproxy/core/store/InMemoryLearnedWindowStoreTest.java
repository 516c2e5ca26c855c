package dev.rlproxy.core.store;

import dev.rlproxy.core.time.ManualClock;

class InMemoryLearnedWindowStoreTest extends LearnedWindowStoreContract {

    private final ManualClock clock = new ManualClock();
    private final InMemoryLearnedWindowStore store = new InMemoryLearnedWindowStore(clock, STALE_MILLIS);

    @Override
    protected LearnedWindowStore store() {
        return store;
    }

    @Override
    protected StoreTime time() {
        return StoreTime.manual(clock);
    }
}
