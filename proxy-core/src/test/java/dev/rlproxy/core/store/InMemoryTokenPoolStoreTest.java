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
    protected StoreTime time() {
        return StoreTime.manual(clock);
    }
}
