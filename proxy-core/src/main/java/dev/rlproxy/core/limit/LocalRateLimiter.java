package dev.rlproxy.core.limit;

import dev.rlproxy.core.store.SharedBuckets;
import dev.rlproxy.core.time.Clock;
import dev.rlproxy.core.time.Scheduler;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The in-memory {@link RateLimiter}: configured buckets ({@link ConfiguredBucket}: an exact
 * {@link SlidingLog} or conservative {@link SubWindowCounters}, plus {@link BurstSpacing}), learned
 * buckets ({@link LearnedBucket}) and the {@link TicketQueue} for requests that must wait.
 *
 * <p>A request locks all its buckets in global order (see {@link Bucket} for why locks), checks
 * them all and commits them all, so either every bucket is charged or none is. A request that
 * cannot go now is queued; nothing ever sleeps or blocks on time.
 */
public final class LocalRateLimiter implements RateLimiter {

    /** How often idle buckets are looked for. */
    static final long SWEEP_INTERVAL_NANOS = 60_000_000_000L;

    private final Clock clock;
    private final Scheduler scheduler;
    private final ConfiguredBuckets configured;
    private final InFlightBuckets inFlight = new InFlightBuckets();
    private final LearnedScopes learned;
    private final TicketSettlement settlement;
    private final TicketQueue queue;
    private final AtomicBoolean sweepScheduled = new AtomicBoolean();

    /** A limiter that decides alone: one replica, the in-memory store. */
    public LocalRateLimiter(Clock clock, Scheduler scheduler, LimiterSettings settings) {
        this(clock, scheduler, settings, null, null);
    }

    /**
     * A limiter whose learned windows are shared with other replicas through {@code sharing}
     * ({@code null}: learned from this process's own responses only, as a single proxy does).
     */
    public LocalRateLimiter(Clock clock, Scheduler scheduler, LimiterSettings settings, LearnedWindowSharing sharing) {
        this(clock, scheduler, settings, null, sharing);
    }

    /**
     * A limiter whose configured buckets share their capacity with other replicas' through
     * {@code shared} (null: decides alone).
     */
    public LocalRateLimiter(Clock clock, Scheduler scheduler, LimiterSettings settings, SharedBuckets shared) {
        this(clock, scheduler, settings, shared, null);
    }

    /**
     * A limiter sharing with other replicas: its configured buckets' capacity through {@code shared}
     * and its learned windows through {@code sharing} (each null: kept by this process alone, as a
     * single proxy does). In-flight caps stay per replica.
     */
    public LocalRateLimiter(Clock clock, Scheduler scheduler, LimiterSettings settings, SharedBuckets shared,
                            LearnedWindowSharing sharing) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(settings, "settings");
        SharedWindows windows = sharing == null ? null
                : new SharedWindows(sharing, clock, scheduler, settings, this::wake);
        this.learned = new LearnedScopes(windows);
        SharedCapacity capacity = shared == null ? null : new SharedCapacity(shared, clock, scheduler);
        this.configured = new ConfiguredBuckets(capacity);
        this.settlement = new TicketSettlement(clock, settings.resetMargin().toNanos(),
                settings.maxResetWait().toNanos());
        this.queue = new TicketQueue(clock, scheduler, settings.maxQueueDepth(), settlement,
                request -> resolve(request, clock.nanoTime()));
        settlement.wakes(queue);
        if (capacity != null) {
            capacity.wakes(queue);
            shared.leases().onAvailabilityChange(available -> {
                capacity.availabilityChanged(available);
                // Waiters for a lease now follow the failure mode, or lease again: let them all look.
                scheduler.schedule(() -> queue.wake(configured.all()), 0);
            });
        }
        if (windows != null) {
            sharing.store().onAvailabilityChange(available -> {
                windows.availabilityChanged(available);
                // Waiters of learned buckets now follow the failure mode, or sync again.
                scheduler.schedule(() -> queue.wake(learned.sharedBuckets()), 0);
            });
        }
    }

    @Override
    public CompletableFuture<Ticket> acquire(TicketRequest request) {
        Objects.requireNonNull(request, "request");
        ensureSweepScheduled();
        BucketRef sole = soleConfiguredBucket(request);
        while (true) {
            RequestBuckets buckets;
            try {
                if (sole != null) {
                    GrantedTicket ticket = acquireNow(sole, request);
                    if (ticket != null) {
                        return ticket;
                    }
                }
                buckets = resolve(request, clock.nanoTime());
            } catch (IllegalArgumentException | TicketRefusedException e) {
                return CompletableFuture.failedFuture(e);
            }
            Waiter waiter;
            boolean limitsChanged;
            TicketRefusedException[] refusal = null;
            Bucket.lockAll(buckets.ordered);
            try {
                if (buckets.anyRetired()) {
                    continue; // dropped meanwhile: look the buckets up again
                }
                long now = clock.nanoTime();
                limitsChanged = buckets.reconcileLimits(now);
                if (!buckets.anyWaiters() && buckets.allAdmitNow(now, request.cost())) {
                    buckets.admitAll(now, request.cost(), request.stampAtSend());
                    return settlement.ticket(buckets, request, now);
                }
                refusal = new TicketRefusedException[1];
                waiter = queue.enqueueLocked(buckets, request, now, refusal);
            } finally {
                Bucket.unlockAll(buckets.ordered);
            }
            if (limitsChanged) {
                queue.wake(buckets.ordered); // a looser limit may let earlier waiters go sooner
            }
            if (waiter == null) {
                return CompletableFuture.failedFuture(refusal[0]);
            }
            queue.started(waiter);
            return waiter.future;
        }
    }

    /** The ref of a request in one configured (rate) bucket and nothing else, the common case; else null. */
    private static BucketRef soleConfiguredBucket(TicketRequest request) {
        if (request.learned() != null || request.buckets().size() != 1) {
            return null;
        }
        BucketRef ref = request.buckets().get(0);
        return ref.isInFlightCap() ? null : ref;
    }

    /**
     * The go-now path of a request in one configured bucket: its lock, its check and its ticket,
     * and nothing else allocated. Null when it cannot go now (or the bucket was just dropped, or its
     * limit changes): then the general path decides, queues or refuses.
     */
    private GrantedTicket acquireNow(BucketRef ref, TicketRequest request) {
        checkCost(request, ref);
        ConfiguredBucket bucket = configured.get(ref, clock.nanoTime());
        bucket.lock();
        try {
            long now = clock.nanoTime();
            if (bucket.isRetired() || bucket.hasWaiters() || !bucket.hasLimit(ref.limit())
                    || bucket.refreshEarliestNanos(now, request.cost()) > now) {
                return null;
            }
            if (request.stampAtSend()) {
                bucket.reserve(now, request.cost());
            } else {
                bucket.admit(now, request.cost());
            }
            return settlement.ticket(bucket, request, now);
        } finally {
            bucket.unlock();
        }
    }

    @Override
    public int queueDepth() {
        return queue.depth();
    }

    /** Forgets buckets nobody has used for a while, so per-token buckets do not pile up. */
    void evictIdle() {
        long now = clock.nanoTime();
        configured.evictIdle(now);
        inFlight.evictIdle();
        learned.evictIdle(now);
    }

    /** Configured buckets currently held (for tests and status). */
    int configuredBucketCount() {
        return configured.size();
    }

    /** How often the sweep replaced the configured buckets' map by a smaller copy (for tests). */
    int configuredMapReplacements() {
        return configured.replacements();
    }

    /** Requests in flight in the in-flight cap {@code key} (e.g. {@code github/inflight/token=sha256:…}). */
    public int inFlight(String key) {
        return inFlight.inFlight(key);
    }

    @Override
    public InFlightSnapshot inFlightSnapshot(String keyPrefix, int top) {
        if (top < 0) {
            throw new IllegalArgumentException("top must not be negative, was " + top);
        }
        return inFlight.snapshot(Objects.requireNonNull(keyPrefix, "keyPrefix"), top);
    }

    @Override
    public Busiest<BucketUsage> bucketUsage(String keyPrefix, int top) {
        return configured.usage(Objects.requireNonNull(keyPrefix, "keyPrefix"), top, clock.nanoTime());
    }

    @Override
    public Busiest<LearnedUsage> learnedUsage(String scopePrefix, int top) {
        return learned.usage(Objects.requireNonNull(scopePrefix, "scopePrefix"), top, clock.nanoTime());
    }

    private RequestBuckets resolve(TicketRequest request, long now) {
        List<BucketRef> refs = request.buckets();
        int caps = 0;
        for (int i = 0; i < refs.size(); i++) {
            BucketRef ref = refs.get(i);
            checkCost(request, ref);
            for (int j = 0; j < i; j++) {
                if (refs.get(j).key().equals(ref.key())) {
                    throw new IllegalArgumentException("bucket '" + ref.key() + "' is named twice in one request");
                }
            }
            caps += ref.isInFlightCap() ? 1 : 0;
        }
        int rates = refs.size() - caps;
        ConfiguredBucket[] buckets = rates == 0 ? RequestBuckets.NO_CONFIGURED : new ConfiguredBucket[rates];
        InFlightBucket[] capBuckets = caps == 0 ? RequestBuckets.NO_IN_FLIGHT : new InFlightBucket[caps];
        int b = 0;
        int c = 0;
        for (int i = 0; i < refs.size(); i++) {
            BucketRef ref = refs.get(i);
            if (ref.isInFlightCap()) {
                capBuckets[c++] = inFlight.get(ref);
            } else {
                buckets[b++] = configured.get(ref, now);
            }
        }
        LearnedRef learnedRef = request.learned();
        if (learnedRef == null) {
            return new RequestBuckets(refs, buckets, capBuckets, null, null, null);
        }
        LearnedScope scope = learned.get(learnedRef.scope(), now);
        LearnedBucket route = scope.forRoute(learnedRef.route(), learnedRef.assumedLimit(), now);
        return new RequestBuckets(refs, buckets, capBuckets, scope, learnedRef, route);
    }

    private static void checkCost(TicketRequest request, BucketRef ref) {
        long capacity = ref.isInFlightCap() ? ref.maxInFlight() : ref.limit().limit();
        if (request.cost() > capacity) {
            throw new IllegalArgumentException("cost " + request.cost() + " exceeds the limit "
                    + capacity + " of bucket '" + ref.key() + "': it could never be admitted");
        }
    }

    /** A shared window's answer came: its bucket's waiters may go now. */
    private void wake(Bucket bucket) {
        queue.wake(bucket);
    }

    private void ensureSweepScheduled() {
        if (!sweepScheduled.get() && sweepScheduled.compareAndSet(false, true)) {
            scheduler.schedule(this::sweep, SWEEP_INTERVAL_NANOS);
        }
    }

    private void sweep() {
        evictIdle();
        if (configured.size() > 0 || inFlight.size() > 0 || learned.size() > 0) {
            scheduler.schedule(this::sweep, SWEEP_INTERVAL_NANOS);
        } else {
            sweepScheduled.set(false);
        }
    }
}
