package dev.rlproxy.core.limit;

import dev.rlproxy.core.headers.RateLimitObservation;

/**
 * The ticket of a request in exactly one configured bucket and nothing else (no learned position,
 * no in-flight cap), granted at once: it holds the bucket itself, so the go-now path builds no
 * {@link RequestBuckets}. Settling it does what {@link RequestBucketsTicket} does for one
 * configured bucket.
 */
final class SingleBucketTicket extends GrantedTicket {

    private final ConfiguredBucket bucket;

    SingleBucketTicket(TicketSettlement settlement, ConfiguredBucket bucket, int cost, long admittedAtNanos,
                       boolean reserved) {
        super(settlement, cost, admittedAtNanos, reserved);
        this.bucket = bucket;
    }

    @Override
    void stamp() {
        settlement.stamp(bucket, cost);
    }

    @Override
    void answered(RateLimitObservation observation, long admittedAtNanos, boolean counted, boolean serverError) {
        // a configured admission stays spent; there is nothing to learn
    }

    @Override
    void abandoned(long admittedAtNanos, boolean maybeSent, boolean stillReserved) {
        settlement.abandon(bucket, cost, admittedAtNanos, maybeSent, stillReserved);
    }

    @Override
    boolean holdsSlots() {
        return false;
    }

    @Override
    void releaseSlots() {
        // no in-flight cap
    }
}
