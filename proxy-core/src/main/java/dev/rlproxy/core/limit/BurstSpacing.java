package dev.rlproxy.core.limit;

/**
 * Spaces admissions so that at most {@code burst} go back to back: a GCRA with emission interval
 * {@code per / limit} and tolerance {@code (burst − 1) · interval}. It only spaces; the window
 * promise itself comes from the {@link AdmissionWindow}. Not thread-safe (used under the bucket lock).
 */
final class BurstSpacing {

    private final long interval;
    private final long tolerance;
    private final long burst;
    /** Theoretical arrival time of the next admission; meaningless until {@code started}. */
    private long tat;
    private boolean started;

    BurstSpacing(BucketLimit limit) {
        this.interval = limit.per().toNanos() / limit.limit();
        this.tolerance = (limit.burst() - 1) * interval;
        this.burst = limit.burst();
    }

    /**
     * Earliest time {@code cost} admissions may start. A cost above the burst cannot fit the
     * tolerance at all; it waits until the spacing has fully drained instead of forever.
     */
    long earliestNanos(long now, int cost) {
        if (!started) {
            return now;
        }
        long need = tat + (Math.min(cost, burst) - 1) * interval - tolerance;
        return Math.max(now, need);
    }

    void record(long at, int cost) {
        tat = (started ? Math.max(tat, at) : at) + cost * interval;
        started = true;
    }

    /** Carries the spacing over to a replacement: the next admission is spaced from the last one. */
    void continueFrom(long lastAdmissionNanos) {
        tat = lastAdmissionNanos + interval;
        started = true;
    }
}
