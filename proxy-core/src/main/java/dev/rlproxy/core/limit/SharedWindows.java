package dev.rlproxy.core.limit;

import dev.rlproxy.core.store.WindowSync;
import dev.rlproxy.core.time.Clock;
import dev.rlproxy.core.time.Scheduler;
import java.util.function.Consumer;

/** Opens the {@link SharedWindow} of each learned bucket of one limiter. */
final class SharedWindows {

    final LearnedWindowSharing sharing;
    final Clock clock;
    final Scheduler scheduler;
    final WindowSync.WindowTiming timing;
    /** Lets a bucket's waiters try again (the limiter's queue). */
    final Consumer<Bucket> waker;
    private volatile SharedCapacity.StoreHealth health;
    private volatile long recoveredAtNanos = Long.MIN_VALUE;

    SharedWindows(LearnedWindowSharing sharing, Clock clock, Scheduler scheduler, LimiterSettings settings,
                  Consumer<Bucket> waker) {
        this.sharing = sharing;
        this.clock = clock;
        this.scheduler = scheduler;
        this.timing = new WindowSync.WindowTiming(settings.resetMargin().toMillis(), settings.maxResetWait().toMillis());
        this.waker = waker;
        this.health = new SharedCapacity.StoreHealth(sharing.store().isAvailable(), clock.nanoTime());
    }

    /** Whether the store answers, as its availability probe last said, and since when. */
    SharedCapacity.StoreHealth health() {
        return health;
    }

    /** When the store last came back after being away; {@link Long#MIN_VALUE} if it never was away. */
    long recoveredAtNanos() {
        return recoveredAtNanos;
    }

    void availabilityChanged(boolean available) {
        long now = clock.nanoTime();
        if (available && !health.available()) {
            recoveredAtNanos = now;
        }
        health = new SharedCapacity.StoreHealth(available, now);
    }

    /**
     * @param scope the learned scope (upstream + token fingerprint)
     * @param id    the bucket within it: {@code id:} and the upstream's bucket id, or {@code route:} and the route
     * @param boundElsewhere for a route's bucket: told the bucket id another replica learned the route
     *                       belongs to; null for a named bucket
     */
    SharedWindow open(String scope, String id, BucketLimit assumedLimit, Bucket bucket,
                      Consumer<String> boundElsewhere) {
        WindowSync.AssumedWindow assumed = assumedLimit == null ? null
                : new WindowSync.AssumedWindow(assumedLimit.limit(), assumedLimit.per().toMillis());
        return new SharedWindow(this, scope + "/" + id, assumed, bucket, boundElsewhere);
    }
}
