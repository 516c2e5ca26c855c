package dev.rlproxy.core.store;

import dev.rlproxy.core.config.FailureMode;
import java.util.Objects;

/**
 * Configured buckets shared by several replicas through {@link BucketLeases}.
 *
 * @param leases           the store
 * @param onFailure        what a replica does while the store cannot be asked
 * @param expectedReplicas in {@code local-share}, each replica admits {@code limit / expectedReplicas}
 *                         (at least 1) per window from its own state
 */
public record SharedBuckets(BucketLeases leases, FailureMode onFailure, int expectedReplicas) {

    public SharedBuckets {
        Objects.requireNonNull(leases, "leases");
        Objects.requireNonNull(onFailure, "onFailure");
        if (expectedReplicas < 1) {
            throw new IllegalArgumentException("expectedReplicas must be at least 1, was " + expectedReplicas);
        }
    }

    /** What one replica may admit per window of a bucket of {@code limit} while the store is gone. */
    public long localShare(long limit) {
        return Math.max(1, limit / expectedReplicas);
    }
}
