package dev.rlproxy.core.limit;

import dev.rlproxy.core.store.LearnedWindowStore;
import dev.rlproxy.core.store.WindowGrant;
import dev.rlproxy.core.store.WindowSync;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * One replica's view of a shared learned-window store that a test can take away and give back (as
 * its gateway would see it), counting the units it granted.
 */
final class SwitchableWindowStore implements LearnedWindowStore {

    private final LearnedWindowStore store;
    private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean available = true;
    /** Units leased to this replica so far. */
    long granted;

    SwitchableWindowStore(LearnedWindowStore store) {
        this.store = store;
    }

    @Override
    public CompletableFuture<WindowGrant> sync(WindowSync sync) {
        if (!available) {
            return CompletableFuture.failedFuture(new IllegalStateException("store unavailable (test)"));
        }
        return store.sync(sync).thenApply(grant -> {
            granted += grant.granted();
            return grant;
        });
    }

    void goDown() {
        available = false;
        listeners.forEach(l -> l.accept(false));
    }

    void comeBack() {
        available = true;
        listeners.forEach(l -> l.accept(true));
    }

    @Override
    public boolean isAvailable() {
        return available;
    }

    @Override
    public void onAvailabilityChange(Consumer<Boolean> listener) {
        listeners.add(listener);
    }
}
