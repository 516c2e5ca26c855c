package dev.rlproxy.core.limit;

/**
 * One window of a learned bucket as the upstream last reported it (OpenAI reports two per
 * response: requests and tokens), corrected for what we know happened since. Guarded by the
 * owning {@link LearnedBucket}'s lock.
 */
final class ReportedWindow {

    /** Resets closer than this (or the reset margin) are taken as the same: clocks and rounding jitter. */
    static final long RESET_JITTER_NANOS = 10_000_000L;

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
    /**
     * Requests that reached the upstream at or after the reset without a report of this window
     * (abandoned maybe-sent, or answered without headers). They may count in the upstream's next
     * window, and no report will ever tell us, so every fresh start (restore or new window) takes
     * them off.
     */
    private long unreportedSinceReset;
    /**
     * Requests of the current window that reached the upstream without a report. A later report of
     * this window may predate them, so it is taken minus these (conservative: one it already
     * counted is counted twice, never none).
     */
    private long unreportedThisWindow;
    /** When a report last set {@code remaining}: requests admitted by then may be counted in it. */
    private long snapshotAtNanos = Long.MIN_VALUE;
    /** The reset the upstream last reported (not extrapolated), to measure its window length. */
    private long lastReportedResetNanos = Long.MIN_VALUE;
    /** Distance between the last two distinct reported resets; 0 while unknown. */
    private long windowLengthNanos;
    private long probeMarginNanos;
    /** When the last probe (a request sent with nothing known to remain) went. */
    private long lastProbeNanos = Long.MIN_VALUE;
    /** Counts the upstream windows this one has moved through (a restore at the deadline, or a report of a later window). */
    private long generation;
    /** When the current generation began here (its restore, or the report of it). */
    private long generationStartedNanos = Long.MIN_VALUE;

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
        w.generationStartedNanos = now;
        return w;
    }

    /** Restores remaining once the deadline has passed with no newer report. */
    void refresh(long now) {
        if (!hasReset || now < deadlineNanos) {
            return;
        }
        if (assumed) {
            generation++;
            generationStartedNanos = now;
            remaining = limit;
            resetAtNanos = now + assumedPeriodNanos;
            deadlineNanos = resetAtNanos;
        } else if (!expired) {
            generation++;
            generationStartedNanos = now;
            // Unknown limit: allow one request to learn the new state.
            remaining = limit >= 0 ? Math.max(0, limit - unreportedSinceReset) : 1;
            unreportedThisWindow = unreportedSinceReset;
            unreportedSinceReset = 0;
            if (windowLengthNanos > 0) {
                // Assume the next window ends one window length later, so that if this one is used
                // up without any report we wait for that rather than guess.
                long behind = now - deadlineNanos;
                long windows = behind / windowLengthNanos + 1;
                resetAtNanos += windows * windowLengthNanos;
                deadlineNanos += windows * windowLengthNanos;
            } else {
                expired = true;
            }
        }
    }

    /** Changes whenever a later upstream window begins (see {@link LocalWindowShares}). */
    long generation() {
        return generation;
    }

    /** The limit last reported (or assumed); -1 while unknown. */
    long limit() {
        return limit;
    }

    /** What may still be sent in this window on top of {@code inFlight}, as far as this replica knows; at least 0. */
    long available(int inFlight) {
        return Math.max(0, remaining - inFlight);
    }

    /** The deadline of the current window if one is known and ahead, else {@link Bucket#UNTIL_RELEASE}. Call after {@link #refresh}. */
    long nextWindowNanos(long now) {
        return hasReset && !expired && now < deadlineNanos ? deadlineNanos : Bucket.UNTIL_RELEASE;
    }

    /**
     * Whether the upstream window this one is in now began here before {@code sinceNanos} and is not
     * over yet (its deadline is known and ahead). Call after {@link #refresh}.
     */
    boolean inProgressSince(long sinceNanos, long now) {
        return generationStartedNanos - sinceNanos < 0 && nextWindowNanos(now) != Bucket.UNTIL_RELEASE;
    }

    /** This window now, for status. Call after {@link #refresh}. */
    LearnedUsage usage(String scope, String bucket, int inFlight, long now) {
        long resetIn = hasReset && !expired ? Math.max(0, resetAtNanos - now) : -1;
        return new LearnedUsage(scope, bucket, name, limit, remaining, resetIn, inFlight);
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
        if (inFlight > 0) {
            return Bucket.UNTIL_RELEASE;
        }
        return Math.max(now, nextProbeNanos());
    }

    /** Call before the request counts as in flight. */
    void admitting(long now, int inFlight) {
        if (remaining - inFlight < 1) {
            lastProbeNanos = now;
        }
    }

    /**
     * A probe that brought back nothing fresh must not be followed by another in the same upstream
     * window: once the window length and one reset are known, the next probe waits for the next
     * window boundary (plus margin). Otherwise (nothing known) it is one at a time.
     */
    private long nextProbeNanos() {
        if (lastProbeNanos == Long.MIN_VALUE || windowLengthNanos == 0 || lastReportedResetNanos == Long.MIN_VALUE) {
            return Long.MIN_VALUE;
        }
        long windowsAfter = Math.floorDiv(lastProbeNanos - lastReportedResetNanos, windowLengthNanos) + 1;
        return lastReportedResetNanos + windowsAfter * windowLengthNanos + probeMarginNanos;
    }

    /**
     * A request counted against this window reached the upstream: the upstream counted it too.
     *
     * <p>A request that was already in flight when the current snapshot was taken may be counted
     * in it; when its own fresh report follows, that report counts it too (upstreams report what
     * is left after the request), so taking the minimum of the two is exact and nothing is taken
     * off here. Taking one off as well would lose a slot for every response that arrives out of
     * order. A request admitted after the snapshot cannot be in it, so it is taken off.
     *
     * @param admittedAtNanos when the request was admitted
     * @param reportFollows   whether a report of this window comes with it (applied next)
     */
    void consumeOne(long now, long admittedAtNanos, boolean reportFollows) {
        if (reportFollows && admittedAtNanos <= snapshotAtNanos) {
            return;
        }
        remaining = Math.max(0, remaining - 1);
        if (reportFollows) {
            return;
        }
        if (hasReset && now >= resetAtNanos) {
            unreportedSinceReset++;
        } else {
            unreportedThisWindow++;
        }
    }

    /**
     * Applies a report. In the same window a report can only lower remaining (a stale,
     * out-of-order response must not raise it); a later reset means a new window: take it as said.
     */
    void apply(long reportedLimit, long reportedRemaining, long reportedResetAtNanos, long marginNanos, long now) {
        if (reportedLimit > 0) {
            limit = reportedLimit; // a limit of 0 is never believed (the caller drops such reports too)
        }
        if (reportedRemaining < 0) {
            return;
        }
        if (reportedResetAtNanos == Long.MIN_VALUE) {
            // No reset: windows cannot be told apart, the newest report is the best we have.
            remaining = hasReset && !expired ? Math.min(remaining, reportedRemaining) : reportedRemaining;
            snapshotAtNanos = now;
            return;
        }
        probeMarginNanos = marginNanos;
        long tolerance = Math.max(marginNanos, RESET_JITTER_NANOS);
        learnWindowLength(reportedResetAtNanos, tolerance);
        long reportedDeadline = reportedResetAtNanos + marginNanos;
        if (reportedDeadline <= now) {
            return; // describes a window that is already over
        }
        boolean newWindow = !hasReset || expired || reportedResetAtNanos > resetAtNanos + tolerance;
        if (newWindow) {
            // The report is a snapshot from when its request was sent; requests since then are in
            // flight (counted apart) or consumed without a report (taken off here).
            long fromReport = Math.max(0, reportedRemaining - unreportedSinceReset);
            remaining = expired ? Math.min(remaining, fromReport) : fromReport;
            unreportedThisWindow = unreportedSinceReset;
            unreportedSinceReset = 0;
            snapshotAtNanos = now;
            hasReset = true;
            expired = false;
            resetAtNanos = reportedResetAtNanos;
            deadlineNanos = reportedDeadline;
            generation++;
            generationStartedNanos = now;
        } else {
            remaining = Math.min(remaining, Math.max(0, reportedRemaining - unreportedThisWindow));
            snapshotAtNanos = now;
            if (reportedResetAtNanos > resetAtNanos) {
                // A reset a little later (within the tolerance) may be the next upstream window
                // already: restoring at the earlier deadline would forget what it counted.
                resetAtNanos = reportedResetAtNanos;
                deadlineNanos = reportedDeadline;
            }
        }
    }

    /**
     * Two reported resets further apart than the jitter are a whole number of windows apart: the
     * latest such distance is what {@link #refresh} extrapolates with. Stale reports count too.
     */
    private void learnWindowLength(long reportedResetAtNanos, long tolerance) {
        if (lastReportedResetNanos != Long.MIN_VALUE) {
            long apart = Math.abs(reportedResetAtNanos - lastReportedResetNanos);
            if (apart > tolerance) {
                windowLengthNanos = apart;
                if (expired) {
                    expired = false; // the next refresh restores and extrapolates to the current window
                }
            }
        }
        lastReportedResetNanos = reportedResetAtNanos;
    }

    /** Nothing left that matters: the deadline (if any) has passed. */
    boolean isSettled(long now) {
        return !hasReset || expired || now >= deadlineNanos;
    }

    @Override
    public String toString() {
        return name + "[limit=" + limit + ", remaining=" + remaining + ", resetAt=" + resetAtNanos / 1_000_000 + ", deadline=" + deadlineNanos / 1_000_000 + ", expired=" + expired + ", W=" + windowLengthNanos / 1_000_000 + ", unrep=" + unreportedSinceReset + "]";
    }
}
