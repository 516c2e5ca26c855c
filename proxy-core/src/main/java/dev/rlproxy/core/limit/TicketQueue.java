package dev.rlproxy.core.limit;

import dev.rlproxy.core.time.Clock;
import dev.rlproxy.core.time.Scheduler;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import dev.rlproxy.core.limit.TicketRefusedException.Reason;

/**
 * The requests that could not go at once. FIFO per bucket: a request waits behind older waiters of
 * any of its buckets. Nothing here sleeps or blocks on time: a timer on the {@link Scheduler} wakes
 * a head waiter at the earliest time it may pass, releases of learned buckets wake their heads, and
 * a second timer refuses a waiter whose {@code maxWait} runs out.
 */
final class TicketQueue {

    /** Retry-After of a refusal while the shared store is gone. */
    static final long STORE_RETRY_NANOS = 1_000_000_000L;

    private final Clock clock;
    private final Scheduler scheduler;
    private final int maxDepth;
    private final AtomicInteger depth = new AtomicInteger();
    private final AtomicLong sequence = new AtomicLong();
    /** Builds the ticket a waiter is granted. */
    private final TicketSettlement settlement;
    /** Looks a request's buckets up again, for a waiter whose bucket was retired while it waited. */
    private final Function<TicketRequest, RequestBuckets> resolver;

    TicketQueue(Clock clock, Scheduler scheduler, int maxDepth, TicketSettlement settlement,
                Function<TicketRequest, RequestBuckets> resolver) {
        this.clock = clock;
        this.scheduler = scheduler;
        this.maxDepth = maxDepth;
        this.settlement = settlement;
        this.resolver = resolver;
    }

    int depth() {
        return depth.get();
    }

    /**
     * Queues a request that cannot go now, or refuses it at once (queue full, or its earliest
     * possible admission is already past its max wait). Call with all its buckets locked; then call
     * {@link #started} after unlocking.
     *
     * @return the new waiter, or null if refused (the refusal is in {@code refusal[0]})
     */
    Waiter enqueueLocked(RequestBuckets buckets, TicketRequest request, long now, TicketRefusedException[] refusal) {
        if (buckets.storeRefuses(now, request.cost())) {
            refusal[0] = storeUnavailable();
            return null;
        }
        long earliest = buckets.refreshEarliestNanos(now, request.cost());
        long knownWait = earliest == Bucket.UNTIL_RELEASE ? 0 : earliest - now;
        if (knownWait > request.maxWaitNanos() || request.maxWaitNanos() == 0) {
            refusal[0] = new TicketRefusedException(Reason.MAX_WAIT, knownWait,
                    "no ticket within the max wait of " + millis(request.maxWaitNanos())
                            + " ms; earliest in " + millis(knownWait) + " ms");
            return null;
        }
        int d;
        do {
            d = depth.get();
            if (d >= maxDepth) {
                refusal[0] = new TicketRefusedException(Reason.QUEUE_FULL, knownWait,
                        "the ticket queue is full (" + maxDepth + " waiting)");
                return null;
            }
        } while (!depth.compareAndSet(d, d + 1));
        long deadline = now + Math.min(request.maxWaitNanos(), Long.MAX_VALUE / 4);
        Waiter w = new Waiter(sequence.getAndIncrement(), request, buckets, deadline);
        for (Bucket b : buckets.ordered) {
            b.addWaiter(w);
        }
        w.queued = true;
        return w;
    }

    /** Arms a freshly queued waiter: cancellation, its max-wait timer, and a first try. */
    void started(Waiter w) {
        w.future.whenComplete((ticket, failure) -> {
            if (failure instanceof CancellationException) {
                withdraw(w);
            }
        });
        long untilDeadline = w.deadlineNanos - clock.nanoTime();
        w.expiresWith(scheduler.schedule(() -> expire(w), Math.max(0, untilDeadline)));
        tryGrant(w, null);
    }

    /**
     * Something changed in these buckets (capacity came back, a head left): let their heads try.
     * Most buckets have nobody waiting; then this allocates nothing and takes no lock.
     */
    void wake(Bucket... buckets) {
        for (int i = 0; i < buckets.length; i++) {
            if (buckets[i].hasWaitersUnlocked()) {
                ArrayDeque<Bucket> work = new ArrayDeque<>((buckets.length - i) * 2);
                for (int j = i; j < buckets.length; j++) {
                    work.add(buckets[j]);
                }
                drain(work);
                return;
            }
        }
    }

    /**
     * {@link #wake(Bucket...)} for one bucket.
     *
     * <p>Trusting {@link Bucket#hasWaitersUnlocked}, read without the lock, leaves no one sleeping.
     * Whatever calls for this wake-up was published before the flag is read: under the bucket's
     * lock, or under the lock of (or in a volatile of) the shared state a waiter's check reads, like
     * a {@link SharedWindow}'s grant. A waiter is queued under the bucket's lock, which leaves the
     * flag set, then tries once itself ({@link #started}), checking again under those same locks.
     * The flag is volatile and written only under the lock, so the read falls before or after that
     * enqueue: after, it sees the flag set (or cleared later, once nobody waits any more) and the
     * head tries here; before, the change was published before the waiter's own try, which sees it.
     */
    void wake(Bucket bucket) {
        if (bucket.hasWaitersUnlocked()) {
            ArrayDeque<Bucket> work = new ArrayDeque<>(2);
            work.add(bucket);
            drain(work);
        }
    }

    private void drain(ArrayDeque<Bucket> work) {
        Bucket b;
        while ((b = work.poll()) != null) {
            if (!b.hasWaitersUnlocked()) {
                continue; // nobody to wake, as in wake(Bucket): no need for its lock
            }
            Waiter head;
            b.lock();
            try {
                head = b.headWaiter();
            } finally {
                b.unlock();
            }
            if (head != null) {
                tryGrant(head, work);
            }
        }
    }

    /**
     * Grants {@code w} if it heads all its buckets and all admit it now; otherwise arranges to be
     * woken when it may. On a grant its buckets go onto {@code work} (null: drain them here),
     * since each has a new head.
     */
    private void tryGrant(Waiter w, ArrayDeque<Bucket> work) {
        RequestBuckets buckets = lockCurrent(w);
        Ticket granted = null;
        long now = 0;
        long earliest = Bucket.UNTIL_RELEASE;
        boolean moving = false;
        boolean storeRefused = false;
        try {
            if (!w.queued) {
                return; // gone
            }
            if (buckets.routeRetired()) {
                for (Bucket b : buckets.ordered) {
                    b.removeWaiter(w);
                }
                w.queued = false;
                moving = true;
            } else if (!headsAll(w)) {
                return; // an older waiter goes first and will wake us when it leaves
            } else {
                now = clock.nanoTime();
                earliest = buckets.refreshEarliestNanos(now, w.cost);
                if (earliest <= now) {
                    buckets.admitAll(now, w.cost, w.request.stampAtSend());
                    dequeueLocked(w);
                    granted = settlement.ticket(buckets, w.request, now);
                } else if (buckets.storeRefuses(now, w.cost)) {
                    dequeueLocked(w);
                    storeRefused = true;
                }
            }
        } finally {
            Bucket.unlockAll(buckets.ordered);
        }
        if (moving) {
            RequestBuckets moved = relocate(w);
            // Both the old buckets (new heads) and the new ones (w may head them) get a turn.
            ArrayDeque<Bucket> next = work != null ? work : new ArrayDeque<>();
            Collections.addAll(next, buckets.ordered);
            if (moved != null) {
                Collections.addAll(next, moved.ordered);
            }
            if (work == null) {
                drain(next);
            }
            return;
        }
        if (storeRefused) {
            w.left();
            w.future.completeExceptionally(storeUnavailable());
            wake(buckets.ordered);
            return;
        }
        if (granted != null) {
            w.left();
            if (!w.future.complete(granted)) {
                granted.abandon(false); // cancelled meanwhile: nothing was sent, give it all back
            }
            ArrayDeque<Bucket> next = work != null ? work : new ArrayDeque<>();
            Collections.addAll(next, buckets.ordered);
            if (work == null) {
                drain(next);
            }
        } else if (earliest != Bucket.UNTIL_RELEASE) {
            scheduleWake(w, earliest, now);
        }
    }

    /**
     * Moves a waiter whose buckets changed under it (a route bucket retired because the upstream
     * named the shared bucket it belongs to) into the buckets its request resolves to now, keeping
     * its place by age in each, so it is charged where the upstream counts it.
     */
    private RequestBuckets relocate(Waiter w) {
        while (true) {
            RequestBuckets now = resolver.apply(w.request);
            Bucket.lockAll(now.ordered);
            try {
                if (now.anyRetired()) {
                    continue;
                }
                if (w.future.isDone()) {
                    depth.decrementAndGet(); // cancelled while moving
                    return null;
                }
                w.buckets = now;
                for (Bucket b : now.ordered) {
                    b.insertWaiter(w);
                }
                w.queued = true;
                return now;
            } finally {
                Bucket.unlockAll(now.ordered);
            }
        }
    }

    /** Locks a waiter's current buckets (they may be replaced while we wait for the locks). */
    private static RequestBuckets lockCurrent(Waiter w) {
        while (true) {
            RequestBuckets buckets = w.buckets;
            Bucket.lockAll(buckets.ordered);
            if (w.buckets == buckets) {
                return buckets;
            }
            Bucket.unlockAll(buckets.ordered);
        }
    }

    private void scheduleWake(Waiter w, long at, long now) {
        if (w.needsWakeAt(at)) {
            w.wakesWith(scheduler.schedule(() -> {
                w.woke(at);
                tryGrant(w, null);
            }, at - now), at);
        }
    }

    /** The max wait ran out: refuse with a hint of when trying again may be worth it. */
    private void expire(Waiter w) {
        long retryAfter;
        RequestBuckets buckets = lockCurrent(w);
        try {
            if (!w.queued) {
                if (!w.future.isDone()) {
                    // Moving between buckets right now (see relocate): look again in a moment.
                    w.expiresWith(scheduler.schedule(() -> expire(w), TimeUnit.MILLISECONDS.toNanos(1)));
                }
                return;
            }
            long now = clock.nanoTime();
            long earliest = buckets.refreshEarliestNanos(now, w.cost);
            retryAfter = earliest == Bucket.UNTIL_RELEASE ? 0 : earliest - now;
            dequeueLocked(w);
        } finally {
            Bucket.unlockAll(buckets.ordered);
        }
        w.left();
        w.future.completeExceptionally(new TicketRefusedException(Reason.MAX_WAIT, retryAfter,
                "no ticket within the max wait; earliest in " + millis(retryAfter) + " ms"));
        wake(buckets.ordered);
    }

    /** Takes a cancelled waiter out at once. */
    private void withdraw(Waiter w) {
        boolean removed;
        RequestBuckets buckets = lockCurrent(w);
        try {
            removed = w.queued;
            if (removed) {
                dequeueLocked(w);
            }
        } finally {
            Bucket.unlockAll(buckets.ordered);
        }
        w.left();
        if (removed) {
            wake(buckets.ordered);
        }
    }

    private static boolean headsAll(Waiter w) {
        for (Bucket b : w.buckets.ordered) {
            if (b.headWaiter() != w) {
                return false;
            }
        }
        return true;
    }

    private void dequeueLocked(Waiter w) {
        for (Bucket b : w.buckets.ordered) {
            b.removeWaiter(w);
        }
        w.queued = false;
        depth.decrementAndGet();
    }

    /** The store that shares the buckets is gone and its failure mode is fail-closed; it is probed every second or so. */
    private static TicketRefusedException storeUnavailable() {
        return new TicketRefusedException(Reason.STORE_UNAVAILABLE, STORE_RETRY_NANOS,
                "the shared rate-limit store is unavailable and store.redis.onFailure is fail-closed");
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
