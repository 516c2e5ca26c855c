package dev.rlproxy.core.limit;

import dev.rlproxy.core.config.FailureMode;
import dev.rlproxy.core.headers.RateLimitObservation;
import dev.rlproxy.core.headers.RateLimitWindow;
import dev.rlproxy.core.store.WindowGrant;
import dev.rlproxy.core.store.WindowSync;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One learned bucket's share of the cluster-wide window: the lease credits this replica may admit
 * from, its requests in flight, and the reports not yet sent. A request passes the bucket only with
 * a credit; when none is left one sync asks for more (sized by recent demand) while the requests
 * wait in the bucket's queue, which the answer wakes. Completions and reports are batched for
 * {@link LearnedWindowSharing#flushInterval()}, so a busy bucket costs one round trip per batch,
 * not one per request.
 *
 * <p>While the store is away (its probe says so, or a sync failed and it has not come back since)
 * the bucket follows {@link LearnedWindowSharing#onFailure()}: {@code fail-closed} admits only from
 * credits already leased and refuses the rest ({@link #refuses}); {@code local-share} gives up its
 * credits and lets the {@link LearnedBucket} admit from this replica's share of each window
 * ({@link LocalWindowShares}). A failed sync is retried every {@link LearnedWindowSharing#fallback()};
 * no request waits on the store longer than one failing call. The first sync that answers reports
 * what the upstream said meanwhile and everything this replica holds, so the store takes it off the
 * shared remaining before it leases again and recovery brings no burst.
 *
 * <p>Locking: called under the bucket lock, guarded by its own monitor; store answers are handled
 * on the scheduler, which wakes the bucket without holding the monitor.
 */
final class SharedWindow {

    /** Nothing granted and nothing known to wait for (units held elsewhere, a probe out): ask again this soon. */
    static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** A replica with units out syncs at least this often, so the store knows it is alive. */
    static final long HEARTBEAT_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** Resets closer than this (or the reset margin) are the same window, as in {@link ReportedWindow}. */
    private static final long RESET_JITTER_MILLIS = TimeUnit.NANOSECONDS.toMillis(ReportedWindow.RESET_JITTER_NANOS);

    private final SharedWindows windows;
    private final String key;
    private final WindowSync.AssumedWindow assumed;
    private final Bucket bucket;
    /** Told the bucket id another replica learned this route belongs to; null for a named bucket's key. */
    private final Consumer<String> boundElsewhere;

    // Guarded by this.
    private int credits;
    private int inFlight;
    private int usedSinceGrant;
    private boolean syncing;
    private boolean flushScheduled;
    private boolean dirty;
    private boolean closed;
    /** The bucket id this route was learned to belong to, sent with the closing sync; or null. */
    private String boundTo;
    /** A sync failed and none has answered since. */
    private boolean syncFailed;
    private long syncFailedAtNanos;
    /** When a sync last answered after failing; {@link Long#MIN_VALUE} if none did. */
    private long syncRecoveredAtNanos = Long.MIN_VALUE;
    /** While the store is away: when to try a sync again. */
    private long retrySyncAtNanos;
    /** This replica admits from its local share (store away, {@code local-share}); its credits were given up. */
    private boolean sharingLocally;
    private long retryAtNanos;
    private boolean retryAtSet;
    private long lastSyncNanos;
    private long lastAdmitNanos;
    private final Map<String, RateLimitWindow> reports = new LinkedHashMap<>(2);
    private long retryAfterMillis = -1;

    SharedWindow(SharedWindows windows, String key, WindowSync.AssumedWindow assumed, Bucket bucket,
                 Consumer<String> boundElsewhere) {
        this.windows = windows;
        this.key = key;
        this.assumed = assumed;
        this.bucket = bucket;
        this.boundElsewhere = boundElsewhere;
    }

    /** How a learned bucket may admit now, as {@link #check} tells it. */
    enum Mode {
        /**
         * From leased credits (with the store away under {@code fail-closed}, only from those left;
         * see {@link #refuses}): {@link Lease#earliestNanos} says when, if the bucket asked.
         */
        LEASE,
        /** The store is away under {@code local-share}: the bucket admits from its local share of each window. */
        LOCAL_SHARE,
        /**
         * The store is back, but a window of the bucket that was in progress when it came back still
         * is: other replicas may have sent their local shares in it, which the store learns only from
         * their next reports, so a lease in it could add to them. The local share still decides.
         */
        DRAINING
    }

    /**
     * When a lease lets one more go, as the last {@link #check} in {@link Mode#LEASE} wrote it. The
     * bucket keeps one and reuses it under its lock, so a check allocates nothing.
     */
    static final class Lease {
        long earliestNanos;
    }

    /**
     * One check of the bucket, under this window's monitor once: how it may admit now, and in
     * {@link Mode#LEASE}, if it {@code wantsLease}, when a lease lets one more go into {@code lease}:
     * now (a credit; or this window is closed), after a sync (which this may start), or at a known time.
     *
     * @param wantsLease whether the bucket's own windows let one more go now; only then is a lease
     *                   asked for, since it may cost a sync
     * @param bucketWindows the bucket's windows, refreshed: whether one is still in progress since
     *                      the store came back decides {@link Mode#DRAINING}
     */
    synchronized Mode check(long now, boolean wantsLease, List<ReportedWindow> bucketWindows, Lease lease) {
        boolean away = !closed && storeAway();
        if (away) {
            noticeOutage();
            if (sharingLocally) {
                return Mode.LOCAL_SHARE;
            }
        } else {
            sharingLocally = false;
        }
        if (inProgressSinceRecovery(bucketWindows, now)) {
            return Mode.DRAINING;
        }
        if (wantsLease) {
            lease.earliestNanos = leaseEarliestNanos(now, away);
        }
        return Mode.LEASE;
    }

    private long leaseEarliestNanos(long now, boolean away) {
        if (closed) {
            return now;
        }
        if (away) {
            syncIfRetryDue(now);
            return credits > 0 ? now : Bucket.UNTIL_RELEASE; // fail-closed: see refuses
        }
        if (credits > 0) {
            return now;
        }
        if (syncing) {
            return Bucket.UNTIL_RELEASE;
        }
        if (retryAtSet && now - retryAtNanos < 0) {
            return retryAtNanos;
        }
        startSync(now, want(), 0);
        return Bucket.UNTIL_RELEASE;
    }

    /**
     * Under {@code local-share}, the bucket's local share lets a request go (after a {@link #check}
     * said {@link Mode#LOCAL_SHARE}): if the store is still away and a retry is due, a sync tries it
     * again.
     */
    synchronized void localShareLetsOneGo(long now) {
        if (!closed && storeAway()) {
            syncIfRetryDue(now);
        }
    }

    /** While the store is away: a sync every {@link LearnedWindowSharing#fallback()}; nobody waits for it, its answer ends the outage. */
    private void syncIfRetryDue(long now) {
        if (!syncing && now - retrySyncAtNanos >= 0) {
            startSync(now, want(), 0);
        }
    }

    /**
     * Under {@code local-share}, whether a window of the bucket began before the store last came back
     * after this replica was without it (its probe said so, or a sync answered after failing) and is
     * not over yet. Never under {@code fail-closed}, where nothing was sent without a lease.
     */
    private boolean inProgressSinceRecovery(List<ReportedWindow> bucketWindows, long now) {
        if (windows.sharing.onFailure() != FailureMode.LOCAL_SHARE) {
            return false;
        }
        long recoveredAt = Math.max(windows.recoveredAtNanos(), syncRecoveredAtNanos);
        if (recoveredAt == Long.MIN_VALUE) {
            return false;
        }
        for (int i = 0; i < bucketWindows.size(); i++) {
            if (bucketWindows.get(i).inProgressSince(recoveredAt, now)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a request must be refused now: the store is away, {@code fail-closed}, and no leased credit is left. */
    synchronized boolean refuses() {
        return !closed && windows.sharing.onFailure() == FailureMode.FAIL_CLOSED && credits == 0 && storeAway();
    }

    /** The probe says the store is away, or the last sync failed after it last said the store was back. */
    private boolean storeAway() {
        SharedCapacity.StoreHealth health = windows.health();
        return !health.available() || syncFailed && syncFailedAtNanos - health.changedAtNanos() > 0;
    }

    /**
     * Under {@code local-share}, the local share covers every send from now on, so unused credits are
     * given up: the next sync reports only what is in flight, and the store counts them as used
     * (never as free again while other replicas may be sending their shares).
     */
    private void noticeOutage() {
        if (!sharingLocally && windows.sharing.onFailure() == FailureMode.LOCAL_SHARE) {
            sharingLocally = true;
            credits = 0;
        }
    }

    LearnedWindowSharing sharing() {
        return windows.sharing;
    }

    /** Lease size: twice what was used since the last grant, so it follows demand up to the maximum. */
    private int want() {
        return Math.min(windows.sharing.maxLease(), Math.max(1, usedSinceGrant * 2));
    }

    /** A request was admitted: it spends a credit (none while the store is away). */
    synchronized void admitted(long now) {
        if (credits > 0) {
            credits--;
        }
        inFlight++;
        usedSinceGrant++;
        lastAdmitNanos = now;
    }

    /** A request ended; one that never reached the upstream gives its unit back as a credit. */
    synchronized void settled(boolean reachedUpstream) {
        if (inFlight > 0) {
            inFlight--;
            if (!reachedUpstream && !closed) {
                credits++;
            }
        }
        markDirty();
    }

    /** What a response said: its credible windows and a Retry-After, sent with the next sync. */
    synchronized void reported(RateLimitObservation observation, boolean windowsApply, boolean throttled) {
        for (RateLimitWindow w : observation.windows()) {
            if (windowsApply && w.isCredible() && w.remaining() >= 0) {
                reports.merge(w.name(), w, this::fresher);
            }
        }
        if (throttled && observation.retryAfterMillis() >= 0) {
            retryAfterMillis = Math.max(retryAfterMillis, observation.retryAfterMillis());
        }
        markDirty();
    }

    /**
     * The bucket left its registry: unused credits go back, no more leases.
     *
     * @param boundTo the upstream's bucket id this route's requests now go to (kept in the store for
     *                the other replicas), or null
     */
    synchronized void close(String boundTo) {
        closed = true;
        if (boundTo != null) {
            this.boundTo = boundTo;
        }
        markDirty();
    }

    /** Of two reports of one window: a later window wins; in the same window the lower remaining. */
    private RateLimitWindow fresher(RateLimitWindow a, RateLimitWindow b) {
        long sameWindowMillis = Math.max(windows.timing.resetMarginMillis(), RESET_JITTER_MILLIS);
        if (a.resetAtEpochMillis() > b.resetAtEpochMillis() + sameWindowMillis) {
            return a;
        }
        if (b.resetAtEpochMillis() > a.resetAtEpochMillis() + sameWindowMillis) {
            return b;
        }
        return new RateLimitWindow(a.name(), Math.max(a.limit(), b.limit()), Math.min(a.remaining(), b.remaining()),
                Math.max(a.resetAtEpochMillis(), b.resetAtEpochMillis()));
    }

    private void markDirty() {
        dirty = true;
        scheduleFlush();
    }

    private void scheduleFlush() {
        if (!flushScheduled && !syncing) {
            flushScheduled = true;
            windows.scheduler.schedule(this::flush, windows.sharing.flushInterval().toNanos());
        }
    }

    private void flush() {
        synchronized (this) {
            flushScheduled = false;
            if (syncing) {
                return; // its answer schedules the next flush
            }
            long now = windows.clock.nanoTime();
            boolean idle = now - lastAdmitNanos >= windows.sharing.flushInterval().toNanos();
            int returning = closed || idle ? credits : 0;
            boolean heartbeat = credits + inFlight > 0 && now - lastSyncNanos >= HEARTBEAT_NANOS;
            if (dirty || returning > 0 || heartbeat) {
                startSync(now, 0, returning);
            } else if (credits + inFlight > 0) {
                scheduleFlush();
            }
        }
    }

    private void startSync(long now, int want, int returning) {
        credits -= returning;
        List<RateLimitWindow> sent = List.copyOf(reports.values());
        long retryAfter = retryAfterMillis;
        reports.clear();
        retryAfterMillis = -1;
        dirty = false;
        syncing = true;
        lastSyncNanos = now;
        WindowSync sync = new WindowSync(key, windows.sharing.replicaId(), want, credits + inFlight, returning,
                sent, retryAfter, assumed, windows.timing, boundTo);
        windows.sharing.store().sync(sync).whenComplete((grant, error) ->
                windows.scheduler.schedule(() -> synced(sync, grant, error), 0));
    }

    private void synced(WindowSync sync, WindowGrant grant, Throwable error) {
        String learnedBinding = null;
        synchronized (this) {
            syncing = false;
            long now = windows.clock.nanoTime();
            if (error != null) {
                syncFailed = true;
                syncFailedAtNanos = now;
                retrySyncAtNanos = now + windows.sharing.fallback().toNanos();
                sync.reports().forEach(w -> reports.merge(w.name(), w, this::fresher));
                retryAfterMillis = Math.max(retryAfterMillis, sync.retryAfterMillis());
                dirty = true;
            } else {
                if (syncFailed) {
                    syncRecoveredAtNanos = now;
                }
                syncFailed = false;
                if (grant.boundTo() != null && !closed && boundElsewhere != null) {
                    learnedBinding = grant.boundTo();
                }
                credits += grant.granted();
                if (grant.granted() > 0) {
                    usedSinceGrant = 0;
                    retryAtSet = false;
                } else if (sync.want() > 0) {
                    retryAtNanos = now + (grant.retryInMillis() >= 0
                            ? TimeUnit.MILLISECONDS.toNanos(grant.retryInMillis()) : POLL_NANOS);
                    retryAtSet = true;
                }
            }
            if (dirty || credits + inFlight > 0) {
                scheduleFlush();
            }
        }
        if (learnedBinding != null) {
            // Outside this lock: binding retires the bucket under its own lock, which comes first.
            boundElsewhere.accept(learnedBinding);
        }
        windows.waker.accept(bucket);
    }

    @Override
    public synchronized String toString() {
        return "SharedWindow[" + key + ", credits=" + credits + ", inFlight=" + inFlight + (sharingLocally ? ", local share" : syncFailed ? ", sync failed" : "") + "]";
    }
}
