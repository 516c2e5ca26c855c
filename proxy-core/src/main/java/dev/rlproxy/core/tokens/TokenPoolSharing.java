package dev.rlproxy.core.tokens;

import dev.rlproxy.core.store.TokenPoolStore;
import java.time.Duration;

/**
 * A token pool's state shared with other replicas through a {@link TokenPoolStore}: each replica
 * writes what its responses said and reads everyone's view every {@code syncInterval}, so checkout
 * (still local, no round trip) prefers the token untouched on every replica, then the one with the
 * most calls left cluster-wide. Without it (the in-memory store) a pool knows only its own responses.
 *
 * @param store        where the replicas meet
 * @param replicaId    this replica, unique among those sharing the store
 * @param syncInterval how often the shared view is written and read
 * @param staleReplica a replica silent this long no longer has requests in flight
 */
public record TokenPoolSharing(TokenPoolStore store, String replicaId, Duration syncInterval, Duration staleReplica) {

    public static final Duration DEFAULT_SYNC_INTERVAL = Duration.ofMillis(200);
    public static final Duration DEFAULT_STALE_REPLICA = Duration.ofSeconds(30);

    public TokenPoolSharing {
        if (store == null || replicaId == null || replicaId.isBlank()) {
            throw new IllegalArgumentException("sharing a token pool needs a store and a replica id");
        }
        if (syncInterval == null || syncInterval.isNegative() || syncInterval.isZero()
                || staleReplica == null || staleReplica.compareTo(syncInterval) <= 0) {
            throw new IllegalArgumentException("syncInterval must be positive and staleReplica longer than it");
        }
    }

    /** Sharing through {@code store} with the default interval and staleness. */
    public static TokenPoolSharing via(TokenPoolStore store, String replicaId) {
        return new TokenPoolSharing(store, replicaId, DEFAULT_SYNC_INTERVAL, DEFAULT_STALE_REPLICA);
    }
}
