package dev.rlproxy.core.limit;

import dev.rlproxy.core.config.FailureMode;
import dev.rlproxy.core.store.LearnedWindowStore;
import java.time.Duration;

/**
 * Learned windows shared with other replicas through a {@link LearnedWindowStore}: each replica
 * admits from small leases of the shared remaining and reports what the upstream said. Without
 * it (the in-memory store) a {@link LocalRateLimiter} learns from its own responses alone.
 *
 * @param store         where the replicas meet
 * @param replicaId     this replica, unique among those sharing the store (a fresh random id per process)
 * @param flushInterval completions and reports are batched this long before one sync carries them
 * @param maxLease      the most units one lease takes (leases double with demand up to it)
 * @param fallback      after a failed sync, the bucket follows its failure mode this long, then tries again
 * @param onFailure     while the store is away: admit from this replica's share of each window
 *                      ({@code local-share}) or only from credits already leased ({@code fail-closed})
 * @param expectedReplicas in {@code local-share}, each replica takes {@code floor(units / expectedReplicas)}
 *                      of a window (see {@link #localShare})
 */
public record LearnedWindowSharing(LearnedWindowStore store, String replicaId, Duration flushInterval,
                                   int maxLease, Duration fallback, FailureMode onFailure, int expectedReplicas) {

    public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofMillis(100);
    public static final int DEFAULT_MAX_LEASE = 32;
    public static final Duration DEFAULT_FALLBACK = Duration.ofSeconds(1);

    public LearnedWindowSharing {
        if (store == null || replicaId == null || replicaId.isBlank()) {
            throw new IllegalArgumentException("sharing learned windows needs a store and a replica id");
        }
        if (flushInterval == null || flushInterval.isNegative() || flushInterval.isZero()
                || fallback == null || fallback.isNegative() || fallback.isZero()) {
            throw new IllegalArgumentException("flushInterval and fallback must be positive");
        }
        if (maxLease < 1) {
            throw new IllegalArgumentException("maxLease must be at least 1, was " + maxLease);
        }
        if (onFailure == null) {
            throw new IllegalArgumentException("onFailure is required");
        }
        if (expectedReplicas < 1) {
            throw new IllegalArgumentException("expectedReplicas must be at least 1, was " + expectedReplicas);
        }
    }

    /** Sharing through {@code store} with the default batching, lease size and fallback. */
    public static LearnedWindowSharing via(LearnedWindowStore store, String replicaId, FailureMode onFailure,
                                           int expectedReplicas) {
        return new LearnedWindowSharing(store, replicaId, DEFAULT_FLUSH_INTERVAL, DEFAULT_MAX_LEASE, DEFAULT_FALLBACK,
                onFailure, expectedReplicas);
    }

    /**
     * What one replica may send of {@code units} while the store is away ({@code local-share}):
     * {@code floor(units / expectedReplicas)}, possibly 0. Not at least 1 as for configured buckets:
     * the upstream's remaining counts every replica's sends, so rounding up could exceed it.
     */
    long localShare(long units) {
        return Math.max(0, units) / expectedReplicas;
    }
}
