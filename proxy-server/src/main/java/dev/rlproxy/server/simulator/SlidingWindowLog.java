package dev.rlproxy.server.simulator;

/**
 * An exact sliding log: a ring holding the times of the last {@code limit} accepted requests. A
 * request at time t has room when fewer than {@code limit} accepted requests lie in (t - T, t], so
 * no interval of length T ever holds more than {@code limit} of them.
 */
final class SlidingWindowLog implements RequestWindow {

    private final long[] acceptedAt;
    private final long windowNanos;
    private int oldest;
    private int size;

    SlidingWindowLog(int limit, long windowNanos) {
        this.acceptedAt = new long[limit];
        this.windowNanos = windowNanos;
    }

    @Override
    public WindowState state(long nowNanos) {
        dropExpired(nowNanos);
        long resetAfter = size == 0 ? windowNanos : acceptedAt[oldest] + windowNanos - nowNanos;
        return new WindowState(acceptedAt.length, size, resetAfter, windowNanos);
    }

    @Override
    public void record(long nowNanos) {
        dropExpired(nowNanos);
        if (size == acceptedAt.length) {
            throw new IllegalStateException("sliding window is full; check state() before record()");
        }
        acceptedAt[(oldest + size) % acceptedAt.length] = nowNanos;
        size++;
    }

    private void dropExpired(long nowNanos) {
        while (size > 0 && nowNanos - acceptedAt[oldest] >= windowNanos) {
            oldest = (oldest + 1) % acceptedAt.length;
            size--;
        }
    }
}
