package dev.rlproxy.server.metrics;

import com.codahale.metrics.Reservoir;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.UniformSnapshot;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The recent samples of a timer, for its quantiles: each updating thread (in practice, each event
 * loop) keeps its last {@code size} samples in a ring of its own, claiming the next slot with one
 * atomic increment, with no lock, clock read or allocation; a snapshot joins the rings. Dropwizard's
 * reservoirs cost 85 to 500 ns per update on the request path (a lock, a clock read, a skip-list
 * insert), and one ring shared by the event loops would bounce its counter and slots between cores.
 *
 * <p>A snapshot taken while updates land may miss or mix the newest few values; over rings of a
 * thousand samples that does not move a quantile.
 */
final class RecentSamplesReservoir implements Reservoir {

    /** Rings a thread picks from by its id: event loop threads are numbered one after another. */
    private static final int STRIPES = 4;

    private final Ring[] rings = new Ring[STRIPES];

    /** @param size samples kept per ring, a power of two */
    RecentSamplesReservoir(int size) {
        if (size <= 0 || Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("size must be a power of two, was " + size);
        }
        for (int i = 0; i < STRIPES; i++) {
            rings[i] = new Ring(size);
        }
    }

    @Override
    public int size() {
        int size = 0;
        for (Ring ring : rings) {
            size += ring.size();
        }
        return size;
    }

    /** How many values were ever added, including those that have fallen out of the rings. */
    long count() {
        long count = 0;
        for (Ring ring : rings) {
            count += ring.written.get();
        }
        return count;
    }

    @Override
    public void update(long value) {
        rings[(int) Thread.currentThread().getId() & (STRIPES - 1)].add(value);
    }

    @Override
    public Snapshot getSnapshot() {
        long[] joined = new long[size()];
        int at = 0;
        for (Ring ring : rings) {
            at += ring.copyInto(joined, at);
        }
        return new UniformSnapshot(at == joined.length ? joined : java.util.Arrays.copyOf(joined, at));
    }

    /** One thread's samples (others may share it when thread ids collide, which only costs speed). */
    private static final class Ring {
        private final long[] values;
        private final int mask;
        private final AtomicLong written = new AtomicLong();

        Ring(int size) {
            values = new long[size];
            mask = size - 1;
        }

        int size() {
            return (int) Math.min(written.get(), values.length);
        }

        void add(long value) {
            values[(int) (written.getAndIncrement() & mask)] = value;
        }

        /** Copies what it holds (at most what {@code into} has room for from {@code at}); returns how many. */
        int copyInto(long[] into, int at) {
            int n = Math.min(size(), into.length - at);
            System.arraycopy(values, 0, into, at, n);
            return n;
        }
    }
}
