package dev.rlproxy.core.store;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Capacity of configured buckets shared with other replicas. A replica asks for a <em>lease</em>
 * of a few slots of one bucket, admits from it locally, and closes it reporting which slots it
 * used and when; the store keeps every replica's leases so that no interval of length {@code per}
 * sees more than {@code limit} sends across all of them (the accounting is in
 * {@code docs/shared-state.md}).
 *
 * <p>One call does both jobs: it closes the caller's previous lease of the bucket (if any), carries
 * its reservations still unsent into the new lease, and grants fresh slots. A close alone is a call
 * that wants nothing. Implementations answer on their own thread (or at once); callers hop back.
 */
public interface BucketLeases {

    /** Closes {@code request.previousLeaseId()} (if not 0) and grants up to {@code request.wanted()} slots. */
    CompletableFuture<Lease> lease(LeaseRequest request);

    /** Whether the store can be asked now; while not, callers follow their failure mode. */
    boolean isAvailable();

    /** Hears {@code false} when the store becomes unavailable and {@code true} when it is back. */
    void onAvailabilityChange(Consumer<Boolean> listener);

    /** How long a lease may be used, counted from the moment its request was sent. */
    long validityNanos();
}
