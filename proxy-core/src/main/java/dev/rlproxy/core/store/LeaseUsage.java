package dev.rlproxy.core.store;

import java.util.Arrays;

/**
 * When a lease's slots were used, in chunks: chunk {@code i} holds {@code counts[i]} sends, the
 * latest of them {@code offsetsNanos[i]} after the lease's request was sent. The store counts each
 * chunk at its grant time plus that offset, which is never earlier than the sends themselves (the
 * grant happened after the request left), so the accounting errs on the safe side only.
 */
public record LeaseUsage(long[] offsetsNanos, int[] counts) {

    public static final LeaseUsage NONE = new LeaseUsage(new long[0], new int[0]);

    public LeaseUsage {
        if (offsetsNanos.length != counts.length) {
            throw new IllegalArgumentException("offsets and counts differ in length");
        }
    }

    public int chunks() {
        return counts.length;
    }

    public long total() {
        long sum = 0;
        for (int c : counts) {
            sum += c;
        }
        return sum;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LeaseUsage u && Arrays.equals(offsetsNanos, u.offsetsNanos) && Arrays.equals(counts, u.counts);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(offsetsNanos) + Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "LeaseUsage" + Arrays.toString(counts) + "@" + Arrays.toString(offsetsNanos);
    }
}
