package dev.rlproxy.core.limit;

import dev.rlproxy.core.headers.RateLimitObservation;

import java.util.concurrent.atomic.AtomicBoolean;

/** A ticket the limiter granted; the first of complete/abandon settles it, later calls are ignored. */
final class GrantedTicket implements Ticket {

    private final TicketSettlement settlement;
    private final RequestBuckets buckets;
    private final int cost;
    private final long admittedAtNanos;
    /** Configured buckets still hold a reservation for it (stamp-at-send, not yet stamped). */
    private final AtomicBoolean reserved;
    private final AtomicBoolean settled = new AtomicBoolean();
    private final AtomicBoolean released = new AtomicBoolean();

    GrantedTicket(TicketSettlement settlement, RequestBuckets buckets, int cost, long admittedAtNanos,
                  boolean reserved) {
        this.settlement = settlement;
        this.buckets = buckets;
        this.cost = cost;
        this.admittedAtNanos = admittedAtNanos;
        this.reserved = new AtomicBoolean(reserved);
    }

    @Override
    public void sent() {
        if (!settled.get() && reserved.compareAndSet(true, false)) {
            settlement.stamp(buckets, cost);
        }
    }

    @Override
    public void complete(RateLimitObservation observation) {
        if (settled.compareAndSet(false, true)) {
            stampIfReserved();
            settlement.complete(buckets, observation == null ? RateLimitObservation.EMPTY : observation, admittedAtNanos,
                    true, false);
        }
    }

    @Override
    public void completeServerError(RateLimitObservation observation) {
        if (settled.compareAndSet(false, true)) {
            stampIfReserved();
            settlement.complete(buckets, observation == null ? RateLimitObservation.EMPTY : observation, admittedAtNanos,
                    true, true);
        }
    }

    @Override
    public void completeNotModified(RateLimitObservation observation) {
        if (settled.compareAndSet(false, true)) {
            stampIfReserved();
            settlement.complete(buckets, observation == null ? RateLimitObservation.EMPTY : observation, admittedAtNanos,
                    false, false);
        }
    }

    /** An answer came, so the request arrived by now at the latest: a reservation becomes an admission now. */
    private void stampIfReserved() {
        if (reserved.compareAndSet(true, false)) {
            settlement.stamp(buckets, cost);
        }
    }

    @Override
    public void abandon(boolean maybeSent) {
        if (settled.compareAndSet(false, true)) {
            boolean stillReserved = reserved.compareAndSet(true, false);
            if (stillReserved && maybeSent) {
                settlement.stamp(buckets, cost); // it may have arrived by now at the latest
            }
            settlement.abandon(buckets, cost, admittedAtNanos, maybeSent, stillReserved);
        }
        release();
    }

    @Override
    public void release() {
        if (buckets.inFlight.length > 0 && released.compareAndSet(false, true)) {
            settlement.release(buckets, cost);
        }
    }

    long admittedAtNanos() {
        return admittedAtNanos;
    }

    @Override
    public String toString() {
        return "Ticket[admittedAt=" + admittedAtNanos + ", cost=" + cost + ", reserved=" + reserved.get()
                + ", settled=" + settled.get() + "]";
    }
}
