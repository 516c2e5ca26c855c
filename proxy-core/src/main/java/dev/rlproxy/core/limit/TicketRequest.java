package dev.rlproxy.core.limit;

import java.util.List;

/**
 * A request for one ticket in every bucket a request falls into; all must pass at once.
 *
 * @param buckets      configured buckets
 * @param learned      the learned-limit position, or {@code null} for none
 * @param cost         how many admissions the request uses in each bucket (usually 1)
 * @param maxWaitNanos how long it may queue; past that it is refused with the earliest retry time
 * @param stampAtSend  whether the caller reports the moment the request really leaves
 *                     ({@link Ticket#sent()}, or its answer or abandonment): configured buckets then
 *                     reserve a slot at the grant and count the request from that moment, so a slow
 *                     connection between grant and send cannot crowd the upstream's window. Without
 *                     it the request counts from the grant.
 */
public record TicketRequest(List<BucketRef> buckets, LearnedRef learned, int cost, long maxWaitNanos,
                            boolean stampAtSend) {

    public TicketRequest {
        buckets = List.copyOf(buckets);
        if (cost < 1) {
            throw new IllegalArgumentException("cost must be at least 1, was " + cost);
        }
        if (maxWaitNanos < 0) {
            throw new IllegalArgumentException("maxWait must not be negative");
        }
    }

    /** A request that counts from its grant. */
    public TicketRequest(List<BucketRef> buckets, LearnedRef learned, int cost, long maxWaitNanos) {
        this(buckets, learned, cost, maxWaitNanos, false);
    }
}
