package dev.rlproxy.core.limit;

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
 * <p>When a sync fails (the store is away) the bucket follows its local windows alone for
 * {@link LearnedWindowSharing#fallback()}; no request waits on the store longer than one failing
 * call. The next sync reports everything this replica holds, so the store takes it off the shared
 * remaining and recovery brings no burst.
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
    private boolean local;
    private long localUntilNanos;
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

    /** When this replica may admit one more: now (a credit, or the store is away), after a sync, or at a known time. */
    synchronized long earliestNanos(long now) {
        if (local) {
            // The store failed: local windows alone until a sync answers, which nobody waits for.
            if (!syncing && now - localUntilNanos >= 0) {
                startSync(now, want(), 0);
            }
            return now;
        }
        if (credits > 0 || closed) {
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
                local = true;
                localUntilNanos = now + windows.sharing.fallback().toNanos();
                sync.reports().forEach(w -> reports.merge(w.name(), w, this::fresher));
                retryAfterMillis = Math.max(retryAfterMillis, sync.retryAfterMillis());
                dirty = true;
            } else {
                local = false;
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
        return "SharedWindow[" + key + ", credits=" + credits + ", inFlight=" + inFlight + (local ? ", local" : "") + "]";
    }
}
