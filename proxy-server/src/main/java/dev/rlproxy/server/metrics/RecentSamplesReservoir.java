package dev.rlproxy.server.metrics;

import com.codahale.metrics.Reservoir;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.UniformSnapshot;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The last {@code size} samples of a timer, for its quantiles: an update claims the next slot of a
 * ring with one atomic increment and stores the value, with no lock, clock read or allocation.
 * Dropwizard's reservoirs cost 85 to 500 ns per update on the request path (a lock, a clock read,
 * a skip-list insert), about a tenth of the proxy's own CPU per request for its three timers.
 *
 * <p>A snapshot taken while updates land may miss or mix the newest few values; over a ring of
 * a thousand samples that does not move a quantile.
 */
final class RecentSamplesReservoir implements Reservoir {

    private final long[] values;
    private final int mask;
    private final AtomicLong written = new AtomicLong();

    /** @param size a power of two */
    RecentSamplesReservoir(int size) {
        if (size <= 0 || Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("size must be a power of two, was " + size);
        }
        this.values = new long[size];
        this.mask = size - 1;
    }

    @Override
    public int size() {
        return (int) Math.min(written.get(), values.length);
    }

    @Override
    public void update(long value) {
        values[(int) (written.getAndIncrement() & mask)] = value;
    }

    @Override
    public Snapshot getSnapshot() {
        long[] copy = new long[size()];
        System.arraycopy(values, 0, copy, 0, copy.length);
        return new UniformSnapshot(copy);
    }
}
