package dev.rlproxy.core.limit;

/**
 * One window of a learned bucket as the upstream last reported it (OpenAI reports two per
 * response: requests and tokens), corrected for what we know happened since. Guarded by the
 * owning {@link LearnedBucket}'s lock.
 */
final class ReportedWindow {

    final String name;
    /** Whether this is a {@link LearnedRef#assumedLimit()} stand-in rather than a report. */
    final boolean assumed;
    private final long assumedPeriodNanos;
    private long limit;
    private long remaining;
    private boolean hasReset;
    /** The upstream's reset, as monotonic nanos. */
    private long resetAtNanos;
    /** Reset plus the safety margin: when remaining is restored. */
    private long deadlineNanos;
    /** The deadline passed and remaining was restored; reports for the old window are stale. */
    private boolean expired;

    private ReportedWindow(String name, boolean assumed, long assumedPeriodNanos) {
        this.name = name;
        this.assumed = assumed;
        this.assumedPeriodNanos = assumedPeriodNanos;
    }

    static ReportedWindow reported(String name) {
        ReportedWindow w = new ReportedWindow(name, false, 0);
        w.limit = -1;
        return w;
    }

    /** A full window of an assumed limit that restarts each {@code per}, until a real report comes. */
    static ReportedWindow assumed(BucketLimit assumedLimit, long now) {
        long period = assumedLimit.per().toNanos();
        ReportedWindow w = new ReportedWindow("assumed", true, period);
        w.limit = assumedLimit.limit();
        w.remaining = assumedLimit.limit();
        w.hasReset = true;
        w.resetAtNanos = now + period;
        w.deadlineNanos = w.resetAtNanos;
        return w;
    }

    long remaining() {
        return remaining;
    }

    /** Restores remaining once the deadline has passed with no newer report. */
    void refresh(long now) {
        if (!hasReset || now < deadlineNanos) {
            return;
        }
        if (assumed) {
            remaining = limit;
            resetAtNanos = now + assumedPeriodNanos;
            deadlineNanos = resetAtNanos;
        } else if (!expired) {
            // Unknown limit: allow one request to learn the new state.
            remaining = limit >= 0 ? limit : 1;
            expired = true;
        }
    }

    /**
     * When one more request (on top of {@code inFlight}) may go: {@code now}, the deadline, or
     * {@link Bucket#UNTIL_RELEASE}. Call after {@link #refresh}.
     */
    long earliestNanos(long now, int inFlight) {
        if (remaining - inFlight >= 1) {
            return now;
        }
        if (hasReset && !expired && now < deadlineNanos) {
            return deadlineNanos;
        }
        // No reset to wait for: wait for what is in flight, or probe with one request if nothing is.
        return inFlight > 0 ? Bucket.UNTIL_RELEASE : now;
    }

    /** A request counted against this window reached the upstream: the upstream counted it too. */
    void consumeOne() {
        remaining = Math.max(0, remaining - 1);
    }

    /**
     * Applies a report. In the same window a report can only lower remaining (a stale,
     * out-of-order response must not raise it); a later reset means a new window: take it as said.
     */
    void apply(long reportedLimit, long reportedRemaining, long reportedResetAtNanos, long marginNanos, long now) {
        if (reportedLimit >= 0) {
            limit = reportedLimit;
        }
        if (reportedRemaining < 0) {
            return;
        }
        if (reportedResetAtNanos == Long.MIN_VALUE) {
            // No reset: windows cannot be told apart, the newest report is the best we have.
            remaining = hasReset && !expired ? Math.min(remaining, reportedRemaining) : reportedRemaining;
            return;
        }
        long reportedDeadline = reportedResetAtNanos + marginNanos;
        if (reportedDeadline <= now) {
            return; // describes a window that is already over
        }
        boolean newWindow = !hasReset || expired || reportedResetAtNanos > deadlineNanos;
        if (newWindow) {
            remaining = reportedRemaining;
            hasReset = true;
            expired = false;
            resetAtNanos = reportedResetAtNanos;
            deadlineNanos = reportedDeadline;
        } else {
            remaining = Math.min(remaining, reportedRemaining);
        }
    }

    /** Nothing left that matters: the deadline (if any) has passed. */
    boolean isSettled(long now) {
        return !hasReset || expired || now >= deadlineNanos;
    }

    @Override
    public String toString() {
        return name + "[limit=" + limit + ", remaining=" + remaining + ", resetAt=" + resetAtNanos + "]";
    }
}
