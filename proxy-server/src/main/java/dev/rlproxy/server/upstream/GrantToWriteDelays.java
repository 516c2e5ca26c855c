package dev.rlproxy.server.upstream;

import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * How long requests to one upstream waited between their ticket and the write to the upstream
 * connection (pool acquire, new connections, TLS handshakes). The limiter counts a request from
 * its write, so this delay costs throughput, never correctness; it is kept so that it can be
 * watched. Thread-safe.
 */
public final class GrantToWriteDelays {

    private final LongAdder count = new LongAdder();
    private final LongAdder totalNanos = new LongAdder();
    private final LongAccumulator maxNanos = new LongAccumulator(Math::max, 0);

    void record(long nanos) {
        long delay = Math.max(0, nanos);
        count.increment();
        totalNanos.add(delay);
        maxNanos.accumulate(delay);
    }

    public long count() {
        return count.sum();
    }

    public long totalNanos() {
        return totalNanos.sum();
    }

    public long maxNanos() {
        return maxNanos.get();
    }
}
