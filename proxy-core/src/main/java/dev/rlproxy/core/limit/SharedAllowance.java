package dev.rlproxy.core.limit;

import dev.rlproxy.core.config.FailureMode;
import dev.rlproxy.core.store.Lease;
import dev.rlproxy.core.store.LeaseRequest;
import dev.rlproxy.core.store.LeaseUsage;
import java.util.concurrent.CompletableFuture;

/**
 * One configured bucket's share of capacity held with other replicas: the slots of its current
 * lease, the lease request in flight, and its own admissions while the store is gone. Guarded by
 * the bucket's lock; the bucket's own window and spacing still apply on top (burst is per replica).
 *
 * <p>A send is covered either by a lease (used before the lease's local end, reported when the
 * lease closes) or, while the store cannot be asked, by the failure mode. See
 * {@code docs/shared-state.md} for why the sum over replicas stays within the limit.
 *
 * <p>One request per bucket is in flight at a time, however many tickets wait for it: they all
 * wait in the queue, and the answer wakes them.
 */
final class SharedAllowance {

    /** After a store error that is not an outage (a script bug): do not ask again at once. */
    private static final long RETRY_AFTER_ERROR_NANOS = 1_000_000_000L;

    private final SharedCapacity shared;
    private final ConfiguredBucket bucket;

    /** The current lease, 0 for none (also while a request is in flight). */
    private long leaseId;
    /** With no lease: the retry promise of the last, empty answer, withdrawn by the next request. */
    private long promiseId;
    /** Slots of the accounting period: the current lease's, or the carried ones while a request flies. */
    private int granted;
    private int used;
    /** Reservations made from a lease and not yet stamped. */
    private int leasedReserved;
    /** When the request for the current lease (or the one in flight) was sent. */
    private long requestedAt;
    private long usableUntil;
    private final UsageChunks chunks = new UsageChunks();
    private boolean requesting;
    private boolean retryPending;
    private long retryAt;
    /** Admissions (immediate or reserved) since the last request: the demand that sizes the next. */
    private int admittedSinceRequest;
    /** Admissions per nanosecond between the last two requests that saw any (a retry after an empty answer sees none). */
    private double demandPerNano;
    /** Whether the current lease's slots were all taken, and when: demand outran it from then on. */
    private boolean ranOut;
    private long ranOutAt;

    /** Reservations made on local terms (store gone) and not yet stamped. */
    private int localReserved;
    private boolean sentLocally;
    private long lastLocalSend;
    /** This replica's sends while the store was gone, against its local share; made when first needed. */
    private AdmissionWindow localWindow;
    private long localWindowLimit;
    private long localWindowSpan;

    SharedAllowance(SharedCapacity shared, ConfiguredBucket bucket) {
        this.shared = shared;
        this.bucket = bucket;
    }

    /** As {@link Bucket#refreshEarliestNanos}, for the shared part; may send a lease request. */
    long earliestNanos(long now, int cost) {
        if (leaseCovers(now, cost)) {
            return now;
        }
        SharedCapacity.StoreHealth health = shared.health();
        if (!health.available()) {
            return localEarliestNanos(now, cost, health);
        }
        if (localReserved > 0) {
            return Bucket.UNTIL_RELEASE; // admitted on local terms and not sent yet: its stamp wakes us
        }
        if (sentLocally) {
            long drained = lastLocalSend + bucket.spanNanos();
            if (now - drained < 0) {
                return drained; // back from an outage: what we sent alone still counts until then
            }
            sentLocally = false;
        }
        if (requesting) {
            return Bucket.UNTIL_RELEASE;
        }
        if (retryPending && now - retryAt < 0) {
            return retryAt;
        }
        retryPending = false;
        request(now, wanted(now, cost));
        return Bucket.UNTIL_RELEASE;
    }

    /** Whether a ticket must be refused now: the store is gone, {@code fail-closed}, and no lease covers it. */
    boolean refuses(long now, int cost) {
        return shared.onFailure == FailureMode.FAIL_CLOSED && !shared.health().available() && !leaseCovers(now, cost);
    }

    void admit(long now, int cost) {
        admittedSinceRequest += cost;
        if (leaseCovers(now, cost)) {
            used += cost;
            chunks.add(now - requestedAt, cost);
            noteRunOut(now);
        } else {
            recordLocal(now, cost);
        }
    }

    void reserve(long now, int cost) {
        admittedSinceRequest += cost;
        if (leaseCovers(now, cost)) {
            leasedReserved += cost;
            noteRunOut(now);
        } else {
            localReserved += cost;
        }
    }

    void stamp(long now, int cost) {
        if (leasedReserved >= cost) {
            leasedReserved -= cost;
            used += cost;
            chunks.add(now - requestedAt, cost);
        } else {
            localReserved = Math.max(0, localReserved - cost);
            recordLocal(now, cost);
        }
    }

    void cancelReservation(int cost) {
        if (leasedReserved >= cost) {
            leasedReserved -= cost;
        } else {
            localReserved = Math.max(0, localReserved - cost);
        }
    }

    /** No lease to close, no request in flight, nothing reserved: forgetting the bucket loses nothing. */
    boolean isIdle() {
        return leaseId == 0 && !requesting && leasedReserved == 0 && localReserved == 0;
    }

    private void noteRunOut(long now) {
        if (!ranOut && used + leasedReserved >= granted) {
            ranOut = true;
            ranOutAt = now;
        }
    }

    private boolean leaseCovers(long now, int cost) {
        return leaseId != 0 && now - usableUntil < 0 && used + leasedReserved + cost <= granted;
    }

    /**
     * The store is gone. {@code local-share}: this replica's own sends against {@code limit /
     * expectedReplicas}, but only from one lease validity plus one window after the outage was
     * noticed: every lease granted before it has ended by then and its sends have left the window,
     * so shared and local admissions never meet in one window.
     */
    private long localEarliestNanos(long now, int cost, SharedCapacity.StoreHealth health) {
        if (shared.onFailure == FailureMode.FAIL_CLOSED) {
            return Bucket.UNTIL_RELEASE; // refused by the caller; see refuses
        }
        long span = bucket.spanNanos();
        long share = shared.settings.localShare(bucket.limit().limit());
        if (localReserved + cost > share) {
            return Bucket.UNTIL_RELEASE;
        }
        long from = health.changedAtNanos() + shared.validityNanos + span;
        long windowFrees = localWindow(share, span).earliestNanos(now, localReserved + cost);
        return Math.max(from, windowFrees);
    }

    private void recordLocal(long now, int cost) {
        long span = bucket.spanNanos();
        localWindow(shared.settings.localShare(bucket.limit().limit()), span).record(now, cost);
        sentLocally = true;
        lastLocalSend = now;
    }

    private AdmissionWindow localWindow(long share, long span) {
        if (localWindow == null || localWindowLimit != share || localWindowSpan != span) {
            AdmissionWindow fresh = AdmissionWindow.of(share, span);
            if (localWindow != null) {
                localWindow.replayInto(fresh, shared.clock.nanoTime());
            }
            localWindow = fresh;
            localWindowLimit = share;
            localWindowSpan = span;
        }
        return localWindow;
    }

    /**
     * Slots to ask for: the tickets waiting now, or the recent rate over one validity, whichever is
     * more. The rate is measured until the lease ran out, if it did: a replica that waited for a
     * retry hint since then admitted as fast as it was let, not as fast as it was asked. Call once
     * per request: it moves the rate on.
     */
    private int wanted(long now, int cost) {
        long limit = bucket.limit().limit();
        long elapsed = Math.max(1_000_000L, (ranOut ? ranOutAt : now) - requestedAt);
        if (admittedSinceRequest > 0 || elapsed > shared.validityNanos) {
            demandPerNano = (double) admittedSinceRequest / elapsed;
        }
        long byRate = (long) Math.ceil(demandPerNano * shared.validityNanos);
        long want = Math.max(cost + (long) bucket.waiterCount(), byRate);
        return (int) Math.min(Math.min(want, limit), Integer.MAX_VALUE);
    }

    /**
     * Closes the current lease (if any) with its usage, carries its unsent reservations, and asks
     * for {@code wanted} fresh slots: one round trip. Call with the bucket lock held.
     */
    private void request(long now, int wanted) {
        LeaseRequest request = new LeaseRequest(bucket.key, bucket.limit().limit(), bucket.spanNanos(), wanted,
                leasedReserved, leaseId != 0 ? leaseId : promiseId, leaseId == 0 ? LeaseUsage.NONE : chunks.drain());
        leaseId = 0;
        promiseId = 0;
        granted = leasedReserved;
        used = 0;
        requestedAt = now;
        admittedSinceRequest = 0;
        ranOut = false;
        requesting = true;
        CompletableFuture<Lease> answer;
        try {
            answer = shared.leases.lease(request);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        // Hop to the scheduler: the answer may come at once, on this thread, under this lock.
        answer.whenComplete((lease, error) ->
                shared.scheduler.schedule(() -> answered(request, now, lease, error), 0));
    }

    private void answered(LeaseRequest request, long sentAt, Lease lease, Throwable error) {
        bucket.lock();
        try {
            requesting = false;
            long now = shared.clock.nanoTime();
            if (error != null || lease == null) {
                // No lease: reservations from the last one are sent on local terms (see docs/shared-state.md).
                localReserved += leasedReserved;
                leasedReserved = 0;
                granted = 0;
                used = 0;
                chunks.clear();
                retryPending = true;
                retryAt = now + RETRY_AFTER_ERROR_NANOS;
            } else {
                boolean leased = lease.granted() > 0;
                leaseId = leased ? lease.id() : 0;
                promiseId = leased ? 0 : lease.id();
                granted = lease.granted();
                usableUntil = sentAt + shared.validityNanos;
                if (request.wanted() > 0) {
                    // A hint also comes with a lease that took the last slots: once it runs out, not before then.
                    // No hint: capacity is left, so an older hint no longer holds.
                    retryPending = lease.retryAfterNanos() > 0;
                    retryAt = now + lease.retryAfterNanos();
                }
                if (leaseId != 0) {
                    long id = leaseId;
                    shared.scheduler.schedule(() -> leaseEnds(id), usableUntil - now);
                }
            }
        } finally {
            bucket.unlock();
        }
        shared.wake(bucket);
    }

    /** The lease's local end: renew it for tickets still waiting, else close it (carrying unsent reservations). */
    private void leaseEnds(long id) {
        bucket.lock();
        try {
            if (leaseId != id || requesting) {
                return;
            }
            long now = shared.clock.nanoTime();
            request(now, bucket.hasWaiters() && shared.health().available() ? wanted(now, 1) : 0);
        } finally {
            bucket.unlock();
        }
    }
}
