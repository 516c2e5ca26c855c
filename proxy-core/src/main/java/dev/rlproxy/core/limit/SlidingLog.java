package dev.rlproxy.core.limit;

/**
 * Exact sliding log: a ring of the last {@code limit} admission times.
 *
 * <p>Admissions a<sub>1</sub> ≤ … ≤ a<sub>n</sub> keep the promise iff every run of
 * {@code limit + 1} consecutive ones spans at least {@code span}: a<sub>i+limit</sub> − a<sub>i</sub>
 * ≥ span. Adding {@code cost} admissions at {@code t} therefore needs only one look: the admission
 * {@code limit − cost} places back from the newest must be at least {@code span} old. Older
 * admissions never matter again, so a ring of {@code limit} entries is enough.
 */
final class SlidingLog implements AdmissionWindow {

    private final long[] times;
    private final long spanNanos;
    /** Index of the newest entry; meaningless while {@code size == 0}. */
    private int newest = -1;
    private int size;

    SlidingLog(int limit, long spanNanos) {
        this.times = new long[limit];
        this.spanNanos = spanNanos;
    }

    @Override
    public long earliestNanos(long now, int cost) {
        int back = times.length - cost;
        if (back < 0) {
            throw new IllegalArgumentException("cost " + cost + " exceeds the limit " + times.length);
        }
        if (size <= back) {
            return now;
        }
        long freesAt = times[slotBack(back)] + spanNanos;
        return Math.max(now, freesAt);
    }

    @Override
    public void record(long at, int cost) {
        for (int i = 0; i < cost; i++) {
            newest = newest + 1 == times.length ? 0 : newest + 1;
            times[newest] = at;
        }
        size = Math.min(times.length, size + cost);
    }

    @Override
    public void giveBack(long at, int cost) {
        int left = cost;
        for (int back = 0; back < size && left > 0; ) {
            if (times[slotBack(back)] == at) {
                removeBack(back);
                left--;
            } else if (times[slotBack(back)] < at) {
                return;
            } else {
                back++;
            }
        }
    }

    @Override
    public void replayInto(AdmissionWindow target, long now) {
        for (int back = size - 1; back >= 0; back--) {
            target.record(Math.min(now, times[slotBack(back)]), 1);
        }
    }

    private int slotBack(int back) {
        int slot = newest - back;
        return slot < 0 ? slot + times.length : slot;
    }

    /** Removes the entry {@code back} places from the newest; the newer ones move one place back. */
    private void removeBack(int back) {
        for (int b = back; b > 0; b--) {
            times[slotBack(b)] = times[slotBack(b - 1)];
        }
        newest = newest == 0 ? times.length - 1 : newest - 1;
        size--;
    }
}
