package dev.rlproxy.core.limit;

import dev.rlproxy.core.headers.RateLimitObservation;
import dev.rlproxy.core.headers.RateLimitWindow;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A bucket learned from response headers: the upstream's own remaining and reset, with the
 * requests we have in flight counted against remaining (available = remaining − in flight).
 * State is guarded by the bucket lock; see {@link Bucket}.
 *
 * <p>Before the first report a route bucket lets exactly one request fly at a time (or follows the
 * assumed limit if the route has one); the scope-wide global bucket lets everything through until
 * the upstream says otherwise. A route bucket whose upstream answers without any rate-limit
 * information is {@linkplain #heardNothing() silent}: it then lets everything through too, until
 * headers appear (its windows then limit it) or a throttled answer makes it probe one at a time again.
 */
final class LearnedBucket extends Bucket {

    /** False for the scope-wide global bucket, which does not limit until told to. */
    private final boolean oneAtATimeUntilHeard;
    private final BucketLimit assumedLimit;
    private final List<ReportedWindow> windows = new ArrayList<>(2);
    private int inFlight;
    /** An answer without rate-limit information came and no throttled one since: no one-at-a-time rule. */
    private boolean silent;
    /** For throttled answers without Retry-After and without windows. */
    private final ThrottleBackoff backoff = new ThrottleBackoff();
    private long blockedUntilNanos = Long.MIN_VALUE;
    private long lastActivityNanos;
    /** This bucket's share of the window the replicas share, or null when windows are only local. */
    private final SharedWindow shared;
    /** Where each check's {@link SharedWindow#check} writes a lease's time; null when windows are only local. */
    private final SharedWindow.Lease lease;
    /**
     * This replica's share of each window, made when the replica notices the store is away under
     * local-share and kept while it {@linkplain SharedWindow.Mode#DRAINING drains}; null otherwise.
     */
    private LocalWindowShares localShares;

    LearnedBucket(boolean oneAtATimeUntilHeard, BucketLimit assumedLimit, long nowNanos) {
        this(oneAtATimeUntilHeard, assumedLimit, nowNanos, null, null, null, null);
    }

    /**
     * A bucket whose windows are shared through {@code sharing} (if not null) under {@code scope} and
     * {@code id}; a route's bucket is told through {@code boundElsewhere} the bucket id another
     * replica learned the route belongs to.
     */
    LearnedBucket(boolean oneAtATimeUntilHeard, BucketLimit assumedLimit, long nowNanos, SharedWindows sharing,
                  String scope, String id, Consumer<String> boundElsewhere) {
        this.oneAtATimeUntilHeard = oneAtATimeUntilHeard;
        this.assumedLimit = assumedLimit;
        this.lastActivityNanos = nowNanos;
        this.shared = sharing == null ? null : sharing.open(scope, id, assumedLimit, this, boundElsewhere);
        this.lease = shared == null ? null : new SharedWindow.Lease();
    }

    @Override
    long refreshEarliestNanos(long now, int cost) {
        if (windows.isEmpty() && assumedLimit != null) {
            windows.add(ReportedWindow.assumed(assumedLimit, now));
        }
        for (int i = 0; i < windows.size(); i++) {
            windows.get(i).refresh(now);
        }
        long own = ownEarliestNanos(now, null);
        if (shared == null) {
            return own;
        }
        // Only a request the local windows let go asks for a lease (which may cost a sync), and a
        // silent bucket has no window to lease from (the store would hold it to one probe at a time).
        boolean wantsLease = own == now && !silentNow();
        return switch (shared.check(now, wantsLease, windows, lease)) {
            case LEASE -> {
                localShares = null;
                yield wantsLease ? lease.earliestNanos : own;
            }
            case DRAINING -> ownEarliestNanos(now, localShares());
            case LOCAL_SHARE -> onLocalShare(now);
        };
    }

    /** The store is away under local-share: the local share decides, and a request it lets go may retry the store. */
    private long onLocalShare(long now) {
        long earliest = ownEarliestNanos(now, localShares());
        if (earliest == now && !silentNow()) {
            shared.localShareLetsOneGo(now);
        }
        return earliest;
    }

    /** What this bucket's windows (each within its local share, if {@code shares}) and its own rules allow. Call after refreshing the windows. */
    private long ownEarliestNanos(long now, LocalWindowShares shares) {
        long known = now;
        boolean untilRelease = windows.isEmpty() && oneAtATimeUntilHeard && !silent && inFlight > 0;
        for (int i = 0; i < windows.size(); i++) {
            ReportedWindow w = windows.get(i);
            long e = w.earliestNanos(now, inFlight);
            if (shares != null) {
                e = later(e, shares.earliestNanos(w, now, inFlight), now);
            }
            if (e == UNTIL_RELEASE) {
                untilRelease = true;
            } else {
                known = Math.max(known, e);
            }
        }
        known = Math.max(known, blockedUntilNanos);
        // A known time comes first: when it passes, the release (if still needed) is waited for.
        return known > now ? known : untilRelease ? UNTIL_RELEASE : now;
    }

    /** Of two earliest times: a known later time first, else a wait for a release, else now. */
    private static long later(long a, long b, long now) {
        long known = Math.max(a == UNTIL_RELEASE ? now : a, b == UNTIL_RELEASE ? now : b);
        return known > now ? known : a == UNTIL_RELEASE || b == UNTIL_RELEASE ? UNTIL_RELEASE : now;
    }

    /** The local shares, made at the first check that needs them (the store away under local-share, or draining). */
    private LocalWindowShares localShares() {
        if (localShares == null) {
            localShares = new LocalWindowShares(shared.sharing());
        }
        return localShares;
    }

    /** Whether the store is away, the mode is fail-closed, and no leased credit is left. Call with the lock held. */
    boolean storeRefuses() {
        return shared != null && !isRetired() && !silentNow() && shared.refuses();
    }

    /** Silent and still without a window: nothing learned to share, so the shared window is not asked. */
    private boolean silentNow() {
        return silent && windows.isEmpty();
    }

    @Override
    void admit(long now, int cost) {
        for (ReportedWindow w : windows) {
            w.admitting(now, inFlight);
        }
        inFlight++;
        lastActivityNanos = now;
        if (localShares != null) {
            localShares.admitted();
        }
        if (shared != null) {
            shared.admitted(now);
        }
    }

    int inFlight() {
        return inFlight;
    }

    /**
     * The upstream answered a request of this bucket normally and said nothing about rate limits: it
     * does not report them, so waiting for a report before letting a second request fly would hold
     * every request to one at a time for good. Only configured buckets limit it from now on, until a
     * report arrives (its windows then apply) or a throttled answer comes (then the back-off, and
     * one probe at a time again). Call with the lock held.
     */
    void heardNothing() {
        silent = true;
    }

    /**
     * Offers each reported window of this bucket to {@code into}; a bucket nothing was reported for
     * yet is only counted. Call with the lock held.
     */
    void usage(String scope, String name, long now, TopN<LearnedUsage> into) {
        if (windows.isEmpty()) {
            into.count();
            return;
        }
        for (ReportedWindow w : windows) {
            w.refresh(now);
            into.offer(w.usage(scope, name, inFlight, now));
        }
    }

    /**
     * A request charged here is over. If it may have reached the upstream, every window lost one
     * (the report, applied next, may correct that).
     *
     * @param report          what its response said about this bucket, applied next; null for nothing
     * @param counted         false when the upstream may not have counted the request (a 304): a
     *                        window the report covers then follows the report alone
     * @param admittedAtNanos when the request was admitted
     */
    void settle(boolean reachedUpstream, RateLimitObservation report, boolean counted, long admittedAtNanos,
               long now, long wallNowMillis, long resetMarginNanos) {
        inFlight = Math.max(0, inFlight - 1);
        lastActivityNanos = now;
        if (shared != null) {
            shared.settled(reachedUpstream);
        }
        if (reachedUpstream) {
            for (ReportedWindow w : windows) {
                boolean reportFollows = report != null && reportsFresh(report, w.name, wallNowMillis, resetMarginNanos);
                if (counted || !reportFollows) {
                    w.consumeOne(now, admittedAtNanos, reportFollows);
                }
            }
        }
    }

    /** Whether the report carries a window of that name whose reset (plus margin) is still ahead. */
    private static boolean reportsFresh(RateLimitObservation report, String windowName, long wallNowMillis,
                                        long resetMarginNanos) {
        for (RateLimitWindow w : report.windows()) {
            if (w.name().equals(windowName) && w.isCredible() && w.remaining() >= 0 && w.resetAtEpochMillis() >= 0
                    && (w.resetAtEpochMillis() - wallNowMillis) * 1_000_000L + resetMarginNanos > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Applies what a response said about this bucket: its windows, and if it was a refusal, a
     * block until its Retry-After (plus margin) has passed, or without one and without windows, a
     * short {@link ThrottleBackoff} (1 s doubling to 30 s in a row, reset by any other answer).
     *
     * <p>Windows that are not {@linkplain RateLimitWindow#isCredible() credible} are ignored, and no
     * reset or retry-after holds the bucket beyond {@code maxWaitNanos} (plus margin): one broken
     * answer must not stop a bucket for long.
     *
     * @param wallNowMillis the wall clock now, to turn reset epochs into monotonic deadlines
     * @param maxWaitNanos  the furthest ahead a reset or retry-after is believed
     */
    /** A plain loop: this runs on every answer, where a stream would allocate. */
    private static boolean anyCredible(List<RateLimitWindow> windows) {
        for (int i = 0; i < windows.size(); i++) {
            if (windows.get(i).isCredible()) {
                return true;
            }
        }
        return false;
    }

        void apply(RateLimitObservation observation, boolean applyWindows, boolean applyThrottle,
               long now, long wallNowMillis, long resetMarginNanos, long maxWaitNanos) {
        if (applyWindows && anyCredible(observation.windows())) {
            windows.removeIf(w -> w.assumed);
            for (RateLimitWindow reported : observation.windows()) {
                if (!reported.isCredible()) {
                    continue;
                }
                // A reset already past stays past: the report is then about a window that is over.
                long resetAt = reported.resetAtEpochMillis() < 0
                        ? Long.MIN_VALUE
                        : now + cappedNanos(reported.resetAtEpochMillis() - wallNowMillis, maxWaitNanos);
                window(reported.name()).apply(reported.limit(), reported.remaining(), resetAt, resetMarginNanos, now);
            }
        }
        if (shared != null && (applyWindows || applyThrottle)) {
            shared.reported(observation, applyWindows, applyThrottle);
        }
        if (applyThrottle) {
            silent = false; // it does limit: probe one at a time once the back-off is over
            long backoffNanos = backoff.throttled();
            long waitNanos = observation.retryAfterMillis() >= 0
                    ? cappedNanos(observation.retryAfterMillis(), maxWaitNanos) + resetMarginNanos
                    : windows.isEmpty() ? backoffNanos : 0;
            blockedUntilNanos = Math.max(blockedUntilNanos, now + waitNanos);
        } else if (!observation.throttled()) {
            backoff.answered();
        }
        lastActivityNanos = now;
    }

    /** {@code millis} as nanos, at most {@code maxNanos} (compared before multiplying, so nothing overflows). */
    private static long cappedNanos(long millis, long maxNanos) {
        return millis >= maxNanos / 1_000_000L ? maxNanos : millis * 1_000_000L;
    }

    /** Nothing in flight or waiting, nothing pending in time, unused for {@code idleNanos}. */
    boolean isIdle(long now, long idleNanos) {
        if (inFlight > 0 || hasWaiters() || now < blockedUntilNanos || now - lastActivityNanos <= idleNanos) {
            return false;
        }
        for (ReportedWindow w : windows) {
            if (!w.isSettled(now)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Out of its registry: its unused lease credits go back to the shared window, with the bucket id
     * its route now goes to if that is why (null otherwise). Call with the lock held.
     */
    void closeShared(String boundTo) {
        if (shared != null) {
            shared.close(boundTo);
        }
    }

    private ReportedWindow window(String name) {
        for (ReportedWindow w : windows) {
            if (w.name.equals(name)) {
                return w;
            }
        }
        ReportedWindow w = ReportedWindow.reported(name);
        windows.add(w);
        return w;
    }

    @Override
    public String toString() {
        return "LearnedBucket" + windows + "[inFlight=" + inFlight + (silent ? ", silent" : "") + "]";
    }
}
