package dev.rlproxy.core.limit;

import dev.rlproxy.core.headers.RateLimitObservation;

/** The ticket of a request resolved to {@link RequestBuckets}: any mix of configured, in-flight and learned buckets. */
final class RequestBucketsTicket extends GrantedTicket {

    private final RequestBuckets buckets;

    RequestBucketsTicket(TicketSettlement settlement, RequestBuckets buckets, int cost, long admittedAtNanos,
                         boolean reserved) {
        super(settlement, cost, admittedAtNanos, reserved);
        this.buckets = buckets;
    }

    @Override
    void stamp() {
        settlement.stamp(buckets, cost);
    }

    @Override
    void answered(RateLimitObservation observation, long admittedAtNanos, boolean counted, boolean serverError) {
        settlement.complete(buckets, observation, admittedAtNanos, counted, serverError);
    }

    @Override
    void abandoned(long admittedAtNanos, boolean maybeSent, boolean stillReserved) {
        settlement.abandon(buckets, cost, admittedAtNanos, maybeSent, stillReserved);
    }

    @Override
    boolean holdsSlots() {
        return buckets.inFlight.length > 0;
    }

    @Override
    void releaseSlots() {
        settlement.release(buckets, cost);
    }
}
