package dev.rlproxy.core.limit;

/**
 * Exact sliding log: a ring of the last {@code limit} admission times. The ring grows with use
 * (doubling up to {@code limit}) rather than being allocated at {@code limit}: a per-client bucket
 * that sees a few requests costs a few entries, not 8 bytes times the limit.
 *
 * <p>Admissions a<sub>1</sub> ≤ … ≤ a<sub>n</sub> keep the promise iff every run of
 * {@code limit + 1} consecutive ones spans at least {@code span}: a<sub>i+limit</sub> − a<sub>i</sub>
 * ≥ span. Adding {@code cost} admissions at {@code t} therefore needs only one look: the admission
 * {@code limit − cost} places back from the newest must be at least {@code span} old. Older
 * admissions never matter again, so a ring of {@code limit} entries is enough.
 */
final class SlidingLog implements AdmissionWindow {

    private static final long[] NONE = new long[0];
    private static final int FIRST_CAPACITY = 1;

    private final int limit;
    private final long spanNanos;
    /** The ring; its length grows up to {@code limit}. Entries sit at the {@code size} slots ending at {@code newest}. */
    private long[] times = NONE;
    /** Index of the newest entry; meaningless while {@code size == 0}. */
    private int newest = -1;
    private int size;

    SlidingLog(int limit, long spanNanos) {
        this.limit = limit;
        this.spanNanos = spanNanos;
    }

    @Override
    public long earliestNanos(long now, int cost) {
        int back = limit - cost;
        if (back < 0) {
            throw new IllegalArgumentException("cost " + cost + " exceeds the limit " + limit);
        }
        if (size <= back) {
            return now;
        }
        long freesAt = times[slotBack(back)] + spanNanos;
        return Math.max(now, freesAt);
    }

    @Override
    public long used(long now) {
        int back = 0;
        while (back < size && times[slotBack(back)] + spanNanos > now) {
            back++;
        }
        return back;
    }

    @Override
    public void record(long at, int cost) {
        for (int i = 0; i < cost; i++) {
            if (size == times.length && size < limit) {
                grow();
            }
            newest = newest + 1 == times.length ? 0 : newest + 1;
            times[newest] = at;
            size = Math.min(limit, size + 1);
        }
    }

    /** Doubles the ring (up to the limit), oldest entry first. */
    private void grow() {
        long[] larger = new long[Math.min(limit, Math.max(FIRST_CAPACITY, times.length * 2))];
        for (int back = size - 1, i = 0; back >= 0; back--, i++) {
            larger[i] = times[slotBack(back)];
        }
        times = larger;
        newest = size - 1;
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
