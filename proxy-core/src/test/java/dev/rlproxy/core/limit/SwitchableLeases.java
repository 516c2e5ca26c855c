package dev.rlproxy.core.limit;

import dev.rlproxy.core.store.BucketLeases;
import dev.rlproxy.core.store.Lease;
import dev.rlproxy.core.store.LeaseRequest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** One replica's view of a shared store that a test can take away and give back (as its gateway would see it). */
final class SwitchableLeases implements BucketLeases {

    private final BucketLeases store;
    private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean available = true;
    int requests;
    /** Every request sent and every answer received, in order. */
    final List<LeaseRequest> sent = new CopyOnWriteArrayList<>();
    final List<Lease> answers = new CopyOnWriteArrayList<>();

    SwitchableLeases(BucketLeases store) {
        this.store = store;
    }

    @Override
    public CompletableFuture<Lease> lease(LeaseRequest request) {
        requests++;
        sent.add(request);
        return available ? store.lease(request).thenApply(this::answered)
                : CompletableFuture.failedFuture(new IllegalStateException("store unavailable (test)"));
    }

    private Lease answered(Lease lease) {
        answers.add(lease);
        return lease;
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

    @Override
    public long validityNanos() {
        return store.validityNanos();
    }
}
