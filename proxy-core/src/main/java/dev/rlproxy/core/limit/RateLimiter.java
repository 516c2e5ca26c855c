package dev.rlproxy.core.limit;

import java.util.concurrent.CompletableFuture;

/**
 * Hands out tickets. Never blocks: a request that can go now gets an already-completed future;
 * one that must wait is queued (FIFO per bucket) and its future completes when every bucket it
 * is in has room, or completes exceptionally with {@link TicketRefusedException}.
 *
 * <p>Cancelling the returned future ({@code cancel(false)}) withdraws a queued request; the
 * queue shrinks back at once. Futures complete on the scheduler's thread or the caller's.
 */
public interface RateLimiter {

    CompletableFuture<Ticket> acquire(TicketRequest request);

    /** Requests waiting for a ticket right now. */
    int queueDepth();

    /**
     * The in-flight caps whose keys start with {@code keyPrefix} (e.g. {@code github/inflight/}):
     * how many keys, the requests in flight over all of them, and the {@code top} busiest keys.
     */
    default InFlightSnapshot inFlightSnapshot(String keyPrefix, int top) {
        return InFlightSnapshot.EMPTY;
    }

    /**
     * The configured (rate) buckets whose keys start with {@code keyPrefix} (e.g. {@code github/hourly/}):
     * how many keys, and the {@code top} with the most used of their limit, with when the next slot frees.
     */
    default Busiest<BucketUsage> bucketUsage(String keyPrefix, int top) {
        return Busiest.none();
    }

    /**
     * The learned buckets of the scopes whose names start with {@code scopePrefix} (e.g.
     * {@code github|}): how many, and the {@code top} reported windows with the least left.
     */
    default Busiest<LearnedUsage> learnedUsage(String scopePrefix, int top) {
        return Busiest.none();
    }
}
