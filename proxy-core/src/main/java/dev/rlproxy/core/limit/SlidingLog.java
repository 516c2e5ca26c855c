package dev.rlproxy.core.limit;

/**
 * Exact sliding log: a ring of the last {@code limit} admission times, kept small because a
 * header-scoped bucket may have a million keys that each saw one request. The first entry lives in
 * a field, not an array; a ring is allocated only for a second entry and grows by doubling up to
 * {@code limit}. Once every entry has left the window the ring is dropped again, so a bucket that
 * sees a request now and then holds no array, and one that burst once does not keep its big ring.
 *
 * <p>Admissions a<sub>1</sub> ≤ … ≤ a<sub>n</sub> keep the promise iff every run of
 * {@code limit + 1} consecutive ones spans at least {@code span}: a<sub>i+limit</sub> − a<sub>i</sub>
 * ≥ span. Adding {@code cost} admissions at {@code t} therefore needs only one look: the admission
 * {@code limit − cost} places back from the newest must be at least {@code span} old. Older
 * admissions never matter again, so a ring of {@code limit} entries is enough, and an entry at
 * least {@code span} old changes no answer: forgetting it is safe.
 */
final class SlidingLog implements AdmissionWindow {

    private final int limit;
    private final long spanNanos;
    /** The entry while the ring is null (capacity 1). */
    private long single;
    /** Null until a second entry; its length grows up to {@code limit}. Entries sit at the {@code size} slots ending at {@code newest}. */
    private long[] ring;
    /** Slot of the newest entry; meaningless while {@code size == 0}. A short: limits here are at most 1024. */
    private short newest = -1;
    private short size;

    SlidingLog(int limit, long spanNanos) {
        if (limit > SLIDING_LOG_MAX_LIMIT) {
            throw new IllegalArgumentException("a sliding log holds at most " + SLIDING_LOG_MAX_LIMIT + " entries, not " + limit);
        }
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
        long freesAt = entry(slotBack(back)) + spanNanos;
        return Math.max(now, freesAt);
    }

    @Override
    public long used(long now) {
        int back = 0;
        while (back < size && entry(slotBack(back)) + spanNanos > now) {
            back++;
        }
        return back;
    }

    @Override
    public void record(long at, int cost) {
        if (size > 0) {
            // A stamp reads its time before taking the lock, so it may come after a later one: it
            // counts from the newest time then. Later is the safe direction, and the log stays in
            // order, which the one-look check and forgetting rely on.
            at = Math.max(at, entry(newest));
            if (entry(newest) + spanNanos <= at) {
                forgetAll(); // everything has left the window: no entry matters any more
            }
        }
        for (int i = 0; i < cost; i++) {
            if (size == capacity() && size < limit) {
                grow();
            }
            newest = (short) (newest + 1 == capacity() ? 0 : newest + 1);
            put(newest, at);
            size = (short) Math.min(limit, size + 1);
        }
    }

    /** Entries it can hold without growing: 1 (the field) until a ring exists. */
    int capacity() {
        return ring == null ? 1 : ring.length;
    }

    private long entry(int slot) {
        return ring == null ? single : ring[slot];
    }

    private void put(int slot, long time) {
        if (ring == null) {
            single = time;
        } else {
            ring[slot] = time;
        }
    }

    private void forgetAll() {
        ring = null;
        size = 0;
        newest = -1;
    }

    /** Doubles the capacity (up to the limit), oldest entry first. */
    private void grow() {
        long[] larger = new long[Math.min(limit, capacity() * 2)];
        for (int back = size - 1, i = 0; back >= 0; back--, i++) {
            larger[i] = entry(slotBack(back));
        }
        ring = larger;
        newest = (short) (size - 1);
    }

    @Override
    public void giveBack(long at, int cost) {
        int left = cost;
        for (int back = 0; back < size && left > 0; ) {
            long time = entry(slotBack(back));
            if (time == at) {
                removeBack(back);
                left--;
            } else if (time < at) {
                return;
            } else {
                back++;
            }
        }
    }

    @Override
    public void replayInto(AdmissionWindow target, long now) {
        for (int back = size - 1; back >= 0; back--) {
            target.record(Math.min(now, entry(slotBack(back))), 1);
        }
    }

    private int slotBack(int back) {
        int slot = newest - back;
        return slot < 0 ? slot + capacity() : slot;
    }

    /** Removes the entry {@code back} places from the newest; the newer ones move one place back. */
    private void removeBack(int back) {
        for (int b = back; b > 0; b--) {
            put(slotBack(b), entry(slotBack(b - 1)));
        }
        newest = (short) (newest == 0 ? capacity() - 1 : newest - 1);
        size--;
    }
}
