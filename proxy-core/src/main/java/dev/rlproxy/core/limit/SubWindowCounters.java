package dev.rlproxy.core.limit;

import java.util.Arrays;

/**
 * Conservative counters for large limits, where a log of every admission would cost too much.
 *
 * <p>Time is cut into sub-windows of width {@code w = ceil(span / K)} ({@code K} =
 * {@value #SUB_WINDOWS}), so {@code span ≤ K·w}. A request at time {@code t} in sub-window
 * {@code j} is admitted iff the admissions counted in sub-windows {@code j−K … j} plus its cost
 * stay within the limit.
 *
 * <p><b>Why this keeps the promise.</b> Take any half-open interval {@code [s, s+span)} and the
 * last admission inside it, at sub-window {@code j}. Every admission in the interval happened no
 * later, at a time ≥ s, hence in a sub-window ≥ {@code floor(s/w) ≥ j − K} (the interval is at
 * most {@code K·w} long). So all of them were already counted in the sum checked when that last one
 * was admitted, which was at most the limit. A sub-window only partly inside the interval counts
 * whole, which is what makes this conservative: under saturating demand it admits about
 * {@code limit} per {@code (K+1)·w ≈ span·(1 + 1/K)}, some 98% of the ideal rate.
 */
final class SubWindowCounters implements AdmissionWindow {

    static final int SUB_WINDOWS = 64;
    private static final int SLOTS = SUB_WINDOWS + 1;

    private final long limit;
    private final long width;
    /** Which sub-window each slot currently counts; a slot holding an older one counts zero. */
    private final long[] subWindow = new long[SLOTS];
    private final long[] counts = new long[SLOTS];
    /** The latest sub-window seen; {@link #total} covers {@code current − K … current}. */
    private long current = Long.MIN_VALUE;
    /** Running sum over the last K+1 sub-windows, so a go-now check is O(1). */
    private long total;

    SubWindowCounters(long limit, long spanNanos) {
        this.limit = limit;
        this.width = Math.max(1, (spanNanos + SUB_WINDOWS - 1) / SUB_WINDOWS);
        Arrays.fill(subWindow, Long.MIN_VALUE);
    }

    @Override
    public long earliestNanos(long now, int cost) {
        if (cost > limit) {
            throw new IllegalArgumentException("cost " + cost + " exceeds the limit " + limit);
        }
        long j = Math.floorDiv(now, width);
        long sum;
        if (j >= current) {
            advanceTo(j);
            sum = total;
        } else {
            sum = 0; // a clock read from before the latest admission: sum that window itself
            for (long i = j - SUB_WINDOWS; i <= j; i++) {
                sum += count(i);
            }
        }
        if (sum + cost <= limit) {
            return now;
        }
        // Moving forward one sub-window drops the oldest one from the sum; future ones are empty.
        for (long next = j + 1; ; next++) {
            sum -= count(next - SLOTS);
            if (sum + cost <= limit) {
                return next * width;
            }
        }
    }

    @Override
    public long used(long now) {
        long j = Math.floorDiv(now, width);
        long sum = 0;
        for (long i = j - SUB_WINDOWS; i <= j; i++) {
            sum += count(i);
        }
        return sum;
    }

    @Override
    public void record(long at, int cost) {
        long j = Math.floorDiv(at, width);
        advanceTo(j);
        if (j < current - SUB_WINDOWS) {
            return; // too old to matter to anyone any more
        }
        int slot = slot(j);
        if (subWindow[slot] != j) {
            subWindow[slot] = j;
            counts[slot] = 0;
        }
        counts[slot] += cost;
        total += cost;
    }

    @Override
    public void giveBack(long at, int cost) {
        long j = Math.floorDiv(at, width);
        int slot = slot(j);
        if (subWindow[slot] == j && j >= current - SUB_WINDOWS) {
            long returned = Math.min(cost, counts[slot]);
            counts[slot] -= returned;
            total -= returned;
        }
    }

    @Override
    public void replayInto(AdmissionWindow target, long now) {
        long j = Math.floorDiv(now, width);
        for (long i = j - SUB_WINDOWS; i <= j; i++) {
            long n = count(i);
            if (n > 0) {
                // The end of the sub-window: as late as the admissions could have been.
                long at = Math.min(now, (i + 1) * width - 1);
                for (long k = n; k > 0; k -= Integer.MAX_VALUE) {
                    target.record(at, (int) Math.min(k, Integer.MAX_VALUE));
                }
            }
        }
    }

    /** Moves the running sum forward to sub-window {@code j}, dropping what fell out. */
    private void advanceTo(long j) {
        if (j <= current) {
            return;
        }
        if (current == Long.MIN_VALUE || j - current > SUB_WINDOWS) {
            Arrays.fill(subWindow, Long.MIN_VALUE);
            Arrays.fill(counts, 0);
            total = 0;
        } else {
            for (long i = current - SUB_WINDOWS; i < j - SUB_WINDOWS; i++) {
                int slot = slot(i);
                if (subWindow[slot] == i) {
                    total -= counts[slot];
                    counts[slot] = 0;
                    subWindow[slot] = Long.MIN_VALUE;
                }
            }
        }
        current = j;
    }

    private static int slot(long j) {
        return Math.floorMod(j, SLOTS);
    }

    private long count(long j) {
        int slot = slot(j);
        return subWindow[slot] == j ? counts[slot] : 0;
    }
}
