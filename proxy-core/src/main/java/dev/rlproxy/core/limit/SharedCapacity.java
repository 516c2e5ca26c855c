package dev.rlproxy.core.limit;

import dev.rlproxy.core.config.FailureMode;
import dev.rlproxy.core.store.BucketLeases;
import dev.rlproxy.core.store.SharedBuckets;
import dev.rlproxy.core.time.Clock;
import dev.rlproxy.core.time.Scheduler;

/**
 * What a limiter's shared configured buckets have in common: the store, the failure mode, whether
 * the store answers (and since when), and the way back into the queue when a lease arrives.
 */
final class SharedCapacity {

    final BucketLeases leases;
    final FailureMode onFailure;
    final SharedBuckets settings;
    final long validityNanos;
    final Clock clock;
    final Scheduler scheduler;
    private volatile StoreHealth health;
    private TicketQueue queue;

    SharedCapacity(SharedBuckets settings, Clock clock, Scheduler scheduler) {
        this.settings = settings;
        this.leases = settings.leases();
        this.onFailure = settings.onFailure();
        this.validityNanos = leases.validityNanos();
        this.clock = clock;
        this.scheduler = scheduler;
        this.health = new StoreHealth(leases.isAvailable(), clock.nanoTime());
    }

    /** Breaks the construction cycle, as {@link TicketSettlement#wakes} does. */
    void wakes(TicketQueue queue) {
        this.queue = queue;
    }

    StoreHealth health() {
        return health;
    }

    void availabilityChanged(boolean available) {
        health = new StoreHealth(available, clock.nanoTime());
    }

    /** A lease answer changed {@code bucket}: its waiters may go now. Call with no lock held. */
    void wake(Bucket bucket) {
        queue.wake(bucket);
    }

    /**
     * @param available      whether the store answers
     * @param changedAtNanos when this limiter learned it (the failure modes count from here)
     */
    record StoreHealth(boolean available, long changedAtNanos) {
    }
}
