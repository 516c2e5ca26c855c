package dev.rlproxy.core.limit;

import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;

/** Test helper: checks recorded admission times against the "at most limit per span" promise. */
final class WindowCheck {

    private WindowCheck() {
    }

    static LongStream seeds(int count) {
        return LongStream.range(0, count).map(i -> 0x9E3779B97F4A7C15L * (i + 1));
    }

    /**
     * The first violation, or null: some half-open interval of length {@code spanNanos} holding
     * more than {@code limit} of the admission times (one entry per admission).
     */
    static String violation(List<Long> admissionTimes, long limit, long spanNanos) {
        long[] t = admissionTimes.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(t);
        for (int i = 0; i + limit < t.length; i++) {
            int j = (int) (i + limit);
            if (t[j] - t[i] < spanNanos) {
                return (limit + 1) + " admissions within " + (t[j] - t[i]) + " ns (< " + spanNanos
                        + " ns): from index " + i + " at " + t[i] + " to " + t[j];
            }
        }
        return null;
    }
}
