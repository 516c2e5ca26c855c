package dev.rlproxy.core.limit;

import dev.rlproxy.core.store.LeaseUsage;
import java.util.Arrays;

/**
 * The sends of one lease in chunks of {@value #CHUNK_NANOS} ns, each reported at its latest send:
 * a lease of hundreds of slots closes with a few dozen numbers, and every send is counted no earlier
 * than it happened. Guarded by the bucket lock.
 */
final class UsageChunks {

    static final long CHUNK_NANOS = 10_000_000L;

    private long[] latest = new long[4];
    private int[] counts = new int[4];
    private int size;

    /** {@code cost} sends at {@code offsetNanos} after the lease's request; offsets never go back. */
    void add(long offsetNanos, int cost) {
        long offset = Math.max(0, offsetNanos);
        if (size > 0 && offset / CHUNK_NANOS == latest[size - 1] / CHUNK_NANOS) {
            latest[size - 1] = Math.max(latest[size - 1], offset);
            counts[size - 1] += cost;
            return;
        }
        if (size == counts.length) {
            latest = Arrays.copyOf(latest, size * 2);
            counts = Arrays.copyOf(counts, size * 2);
        }
        latest[size] = offset;
        counts[size++] = cost;
    }

    /** What was recorded, then forgets it. */
    LeaseUsage drain() {
        LeaseUsage usage = size == 0 ? LeaseUsage.NONE
                : new LeaseUsage(Arrays.copyOf(latest, size), Arrays.copyOf(counts, size));
        size = 0;
        return usage;
    }

    void clear() {
        size = 0;
    }
}
