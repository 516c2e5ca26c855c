package dev.rlproxy.core.limit;

import dev.rlproxy.core.time.Scheduler;
import java.util.concurrent.CompletableFuture;

/**
 * A queued request. It sits in the FIFO of every one of its buckets and may go only when it heads
 * all of them and all admit it; {@link #seq} (assigned under all its bucket locks) keeps every FIFO
 * in one global order, so the oldest waiter always heads all its buckets and can progress.
 */
final class Waiter {

    private static final long NO_WAKE = Long.MIN_VALUE;

    final long seq;
    final TicketRequest request;
    /**
     * Its buckets; replaced (under the old and then the new buckets' locks) when one of them is
     * retired, e.g. a route bucket the upstream has since named a shared bucket for.
     */
    volatile RequestBuckets buckets;
    final int cost;
    final long deadlineNanos;
    final CompletableFuture<Ticket> future = new CompletableFuture<>();
    /** In its buckets' FIFOs; guarded by the locks of all its buckets. */
    boolean queued;

    // Timers: guarded by this.
    private boolean left;
    private Scheduler.Cancellable expiryTimer;
    private Scheduler.Cancellable wakeTimer;
    private long wakeAtNanos = NO_WAKE;

    Waiter(long seq, TicketRequest request, RequestBuckets buckets, long deadlineNanos) {
        this.seq = seq;
        this.request = request;
        this.buckets = buckets;
        this.cost = request.cost();
        this.deadlineNanos = deadlineNanos;
    }

    /** Keeps the expiry timer so it can be withdrawn when the waiter leaves first. */
    synchronized void expiresWith(Scheduler.Cancellable timer) {
        if (left) {
            timer.cancel();
        } else {
            expiryTimer = timer;
        }
    }

    /** Whether a wake at {@code at} is still needed: none pending at or before it, and still queued. */
    synchronized boolean needsWakeAt(long at) {
        if (left || (wakeAtNanos != NO_WAKE && wakeAtNanos <= at)) {
            return false;
        }
        if (wakeTimer != null) {
            wakeTimer.cancel();
            wakeTimer = null;
        }
        wakeAtNanos = at;
        return true;
    }

    synchronized void wakesWith(Scheduler.Cancellable timer, long at) {
        if (left || wakeAtNanos != at) {
            timer.cancel();
        } else {
            wakeTimer = timer;
        }
    }

    synchronized void woke(long at) {
        if (wakeAtNanos == at) {
            wakeAtNanos = NO_WAKE;
            wakeTimer = null;
        }
    }

    /** Out of the queue for good: withdraws its timers. */
    synchronized void left() {
        left = true;
        if (expiryTimer != null) {
            expiryTimer.cancel();
            expiryTimer = null;
        }
        if (wakeTimer != null) {
            wakeTimer.cancel();
            wakeTimer = null;
        }
    }
}
