package dev.rlproxy.core.limit;

import dev.rlproxy.core.headers.RateLimitObservation;

import java.util.concurrent.atomic.AtomicBoolean;

/** A ticket the limiter granted; the first of complete/abandon settles it, later calls are ignored. */
final class GrantedTicket implements Ticket {

    private final TicketSettlement settlement;
    private final RequestBuckets buckets;
    private final int cost;
    private final long admittedAtNanos;
    private final AtomicBoolean settled = new AtomicBoolean();
    private final AtomicBoolean released = new AtomicBoolean();

    GrantedTicket(TicketSettlement settlement, RequestBuckets buckets, int cost, long admittedAtNanos) {
        this.settlement = settlement;
        this.buckets = buckets;
        this.cost = cost;
        this.admittedAtNanos = admittedAtNanos;
    }

    @Override
    public void complete(RateLimitObservation observation) {
        if (settled.compareAndSet(false, true)) {
            settlement.complete(buckets, observation == null ? RateLimitObservation.EMPTY : observation, admittedAtNanos,
                    true);
        }
    }

    @Override
    public void completeNotModified(RateLimitObservation observation) {
        if (settled.compareAndSet(false, true)) {
            settlement.complete(buckets, observation == null ? RateLimitObservation.EMPTY : observation, admittedAtNanos,
                    false);
        }
    }

    @Override
    public void abandon(boolean maybeSent) {
        if (settled.compareAndSet(false, true)) {
            settlement.abandon(buckets, cost, admittedAtNanos, maybeSent);
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
        return "Ticket[admittedAt=" + admittedAtNanos + ", cost=" + cost + ", settled=" + settled.get() + "]";
    }
}
