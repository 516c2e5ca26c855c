package dev.rlproxy.core.store;

import dev.rlproxy.core.headers.RateLimitObservation;
import dev.rlproxy.core.headers.RateLimitWindow;
import dev.rlproxy.core.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A simulated upstream for multi-replica tests: {@code limit} requests per fixed wall-clock window,
 * reported on every answer (remaining after counting the request, reset at the window's end). A
 * request beyond the limit is a violation: the real upstream would have refused it.
 */
public final class WindowedUpstream {

    private final long limit;
    private final long windowMillis;
    private final Clock clock;
    private long window = Long.MIN_VALUE;
    private long count;
    private long accepted;
    private long violations;
    private long windowsUsed;
    private final Map<Long, long[]> byWindowStart = new TreeMap<>(); // {accepted, violations}

    public WindowedUpstream(long limit, long windowMillis, Clock clock) {
        this.limit = limit;
        this.windowMillis = windowMillis;
        this.clock = clock;
    }

    /** A request arrives now; the answer's rate-limit headers. */
    public synchronized RateLimitObservation arrive() {
        long now = clock.wallMillis();
        long w = Math.floorDiv(now, windowMillis);
        if (w != window) {
            window = w;
            count = 0;
            windowsUsed++;
        }
        count++;
        boolean over = count > limit;
        long[] perWindow = byWindowStart.computeIfAbsent(w * windowMillis, k -> new long[2]);
        if (over) {
            violations++;
            perWindow[1]++;
        } else {
            accepted++;
            perWindow[0]++;
        }
        RateLimitWindow reported = new RateLimitWindow("default", limit, Math.max(0, limit - count), (w + 1) * windowMillis);
        return new RateLimitObservation(null, List.of(reported), over, false, -1);
    }

    public synchronized long violations() {
        return violations;
    }

    public synchronized long accepted() {
        return accepted;
    }

    /** Per window (by its start, epoch millis, ascending): {accepted, violations}. */
    public synchronized Map<Long, long[]> byWindow() {
        Map<Long, long[]> copy = new TreeMap<>();
        byWindowStart.forEach((start, counts) -> copy.put(start, counts.clone()));
        return copy;
    }

    /** Windows in which at least one request arrived. */
    public synchronized long windowsUsed() {
        return windowsUsed;
    }
}
