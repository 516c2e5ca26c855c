package dev.rlproxy.core.limit;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.rlproxy.core.limit.TicketRefusedException.Reason;

/**
 * The requests that could not go at once. FIFO per bucket: a request waits behind older waiters of
 * any of its buckets. Nothing here sleeps or blocks on time: a timer on the {@link Scheduler} wakes
 * a head waiter at the earliest time it may pass, releases of learned buckets wake their heads, and
 * a second timer refuses a waiter whose {@code maxWait} runs out.
 */
final class TicketQueue {

    private final Clock clock;
    private final Scheduler scheduler;
    private final int maxDepth;
    private final AtomicInteger depth = new AtomicInteger();
    private final AtomicLong sequence = new AtomicLong();
    /** Builds the ticket a waiter is granted. */
    private final TicketSettlement settlement;

    TicketQueue(Clock clock, Scheduler scheduler, int maxDepth, TicketSettlement settlement) {
        this.clock = clock;
        this.scheduler = scheduler;
        this.maxDepth = maxDepth;
        this.settlement = settlement;
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
        long earliest = buckets.earliestNanos(now, request.cost());
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
        Waiter w = new Waiter(sequence.getAndIncrement(), buckets, request.cost(), deadline);
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

    /** Something changed in these buckets (capacity came back, a head left): let their heads try. */
    void wake(Bucket... buckets) {
        ArrayDeque<Bucket> work = new ArrayDeque<>(buckets.length * 2);
        Collections.addAll(work, buckets);
        drain(work);
    }

    private void drain(ArrayDeque<Bucket> work) {
        Bucket b;
        while ((b = work.poll()) != null) {
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
        RequestBuckets buckets = w.buckets;
        Ticket granted = null;
        long now = 0;
        long earliest = Bucket.UNTIL_RELEASE;
        Bucket.lockAll(buckets.ordered);
        try {
            if (!w.queued || !headsAll(w)) {
                return; // gone, or an older waiter goes first and will wake us when it leaves
            }
            now = clock.nanoTime();
            earliest = buckets.earliestNanos(now, w.cost);
            if (earliest <= now) {
                buckets.admitAll(now, w.cost);
                dequeueLocked(w);
                granted = settlement.ticket(buckets, w.cost, now);
            }
        } finally {
            Bucket.unlockAll(buckets.ordered);
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
        Bucket.lockAll(w.buckets.ordered);
        try {
            if (!w.queued) {
                return;
            }
            long now = clock.nanoTime();
            long earliest = w.buckets.earliestNanos(now, w.cost);
            retryAfter = earliest == Bucket.UNTIL_RELEASE ? 0 : earliest - now;
            dequeueLocked(w);
        } finally {
            Bucket.unlockAll(w.buckets.ordered);
        }
        w.left();
        w.future.completeExceptionally(new TicketRefusedException(Reason.MAX_WAIT, retryAfter,
                "no ticket within the max wait; earliest in " + millis(retryAfter) + " ms"));
        wake(w.buckets.ordered);
    }

    /** Takes a cancelled waiter out at once. */
    private void withdraw(Waiter w) {
        boolean removed;
        Bucket.lockAll(w.buckets.ordered);
        try {
            removed = w.queued;
            if (removed) {
                dequeueLocked(w);
            }
        } finally {
            Bucket.unlockAll(w.buckets.ordered);
        }
        w.left();
        if (removed) {
            wake(w.buckets.ordered);
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

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
