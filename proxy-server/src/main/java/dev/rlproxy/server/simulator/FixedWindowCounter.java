package dev.rlproxy.server.simulator;

/**
 * A fixed window that opens at the first request after the previous window ended, as GitHub does:
 * the reset time is "first request of the window + T".
 */
final class FixedWindowCounter implements RequestWindow {

    private final int limit;
    private final long windowNanos;
    private boolean open;
    private long windowStart;
    private int count;

    FixedWindowCounter(int limit, long windowNanos) {
        this.limit = limit;
        this.windowNanos = windowNanos;
    }

    @Override
    public WindowState state(long nowNanos) {
        if (!isOpenAt(nowNanos)) {
            // The window a request would open right now.
            return new WindowState(limit, 0, windowNanos, windowNanos);
        }
        return new WindowState(limit, count, windowStart + windowNanos - nowNanos, windowNanos);
    }

    @Override
    public void record(long nowNanos) {
        if (!isOpenAt(nowNanos)) {
            open = true;
            windowStart = nowNanos;
            count = 0;
        }
        count++;
    }

    private boolean isOpenAt(long nowNanos) {
        return open && nowNanos - windowStart < windowNanos;
    }
}
