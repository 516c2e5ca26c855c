package dev.rlproxy.core.limit;

/**
 * A configured bucket: {@code limit} per {@code per} (each admission occupying
 * {@code per + windowMargin}), plus burst spacing when {@code burst < limit}. State is guarded by
 * the bucket lock; see {@link Bucket}.
 */
final class ConfiguredBucket extends Bucket {

    final String key;
    final ConfiguredBuckets.KeyGroup group;
    private final long windowMarginNanos;
    private BucketLimit limit;
    private AdmissionWindow window;
    /** Null when burst == limit: no spacing. */
    private BurstSpacing spacing;
    /** Last admission, or creation while there was none: the start of idleness. */
    private long lastActivityNanos;
    private boolean admitted;

    ConfiguredBucket(String key, ConfiguredBuckets.KeyGroup group, BucketLimit limit, long windowMarginNanos,
                     long nowNanos) {
        this.key = key;
        this.group = group;
        this.windowMarginNanos = windowMarginNanos;
        this.lastActivityNanos = nowNanos;
        useLimit(limit);
    }

    BucketLimit limit() {
        return limit;
    }

    @Override
    long earliestNanos(long now, int cost) {
        if (isRetired()) {
            return now; // removed from the configuration: it no longer holds anyone back
        }
        long earliest = window.earliestNanos(now, cost);
        return spacing == null ? earliest : Math.max(earliest, spacing.earliestNanos(now, cost));
    }

    @Override
    void admit(long now, int cost) {
        window.record(now, cost);
        if (spacing != null) {
            spacing.record(now, cost);
        }
        lastActivityNanos = now;
        admitted = true;
    }

    /** Returns admissions of a request that never reached the upstream. Call with the lock held. */
    void giveBack(long admittedAt, int cost) {
        window.giveBack(admittedAt, cost);
    }

    /**
     * Switches to {@code newLimit} if it differs, keeping the admission history (replayed into the
     * new window, conservatively for counters) and spacing from the last admission.
     * Call with the lock held.
     *
     * @return whether the limit changed
     */
    boolean ensureLimit(BucketLimit newLimit, long now) {
        if (newLimit == limit || newLimit.equals(limit)) {
            return false;
        }
        AdmissionWindow old = window;
        useLimit(newLimit);
        old.replayInto(window, now);
        if (spacing != null && admitted) {
            spacing.continueFrom(lastActivityNanos);
        }
        return true;
    }

    /**
     * Nobody waiting and no admission within the window (so burst spacing has drained too):
     * forgetting the bucket changes no decision. Call with the lock held.
     */
    boolean isIdle(long now) {
        return !hasWaiters() && now - idleFromNanos() >= 0;
    }

    /** When the bucket turns idle if nothing else happens. Call with the lock held, or accept a stale answer. */
    long idleFromNanos() {
        return lastActivityNanos + spanNanos(limit);
    }

    private void useLimit(BucketLimit newLimit) {
        this.limit = newLimit;
        this.window = AdmissionWindow.of(newLimit.limit(), spanNanos(newLimit));
        this.spacing = newLimit.burst() < newLimit.limit() ? new BurstSpacing(newLimit) : null;
    }

    private long spanNanos(BucketLimit l) {
        return saturatedAdd(l.per().toNanos(), windowMarginNanos);
    }

    /** Absurdly long windows are capped well below overflow, since times get added to them. */
    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE / 4 : sum;
    }
}
