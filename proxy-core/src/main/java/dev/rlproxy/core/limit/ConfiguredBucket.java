package dev.rlproxy.core.limit;

/**
 * A configured bucket: {@code limit} per {@code per}, plus burst spacing when {@code burst < limit}.
 * State is guarded by the bucket lock; see {@link Bucket}.
 *
 * <p>An admission is either recorded at once (at the grant) or <em>reserved</em>: a request whose
 * caller stamps it when it is really sent ({@link TicketRequest#stampAtSend()}) holds a slot from
 * its grant until its stamp, counting as if it were sent at every moment in between, and then
 * occupies the window from the stamp on. A reservation therefore never lets the window overfill,
 * however long the connection takes; see {@link #stamp}.
 *
 * <p>Shared with other replicas ({@link SharedAllowance}), a bucket admits only what its window
 * and spacing allow <em>and</em> what a lease (or, while the store is gone, the failure mode)
 * covers. Alone (no store), it decides by itself, exactly as before.
 */
final class ConfiguredBucket extends Bucket {

    final String key;
    final ConfiguredBuckets.KeyGroup group;
    private BucketLimit limit;
    private AdmissionWindow window;
    /** Null when burst == limit: no spacing. */
    private BurstSpacing spacing;
    /** Admissions granted but not yet stamped: they count in every window until they are. */
    private long reserved;
    /** Last admission, or creation while there was none: the start of idleness. */
    private long lastActivityNanos;
    private boolean admitted;
    /** Null when this process alone decides (the in-memory store). */
    private final SharedAllowance shared;

    ConfiguredBucket(String key, ConfiguredBuckets.KeyGroup group, BucketLimit limit, long nowNanos) {
        this(key, group, limit, nowNanos, null);
    }

    ConfiguredBucket(String key, ConfiguredBuckets.KeyGroup group, BucketLimit limit, long nowNanos,
                     SharedCapacity sharedCapacity) {
        this.key = key;
        this.group = group;
        this.lastActivityNanos = nowNanos;
        this.shared = sharedCapacity == null ? null : new SharedAllowance(sharedCapacity, this);
        useLimit(limit);
    }

    BucketLimit limit() {
        return limit;
    }

    /** Whether its limit is {@code l} already. Call with the lock held. */
    boolean hasLimit(BucketLimit l) {
        return l == limit || l.equals(limit);
    }

    @Override
    long refreshEarliestNanos(long now, int cost) {
        if (isRetired()) {
            return now; // removed from the configuration: it no longer holds anyone back
        }
        if (reserved + cost > limit.limit()) {
            return UNTIL_RELEASE; // only a stamp or a give-back can make room
        }
        long earliest = window.earliestNanos(now, (int) (reserved + cost));
        long local = spacing == null ? earliest : Math.max(earliest, spacing.earliestNanos(now, cost));
        return shared == null || local > now ? local : shared.earliestNanos(now, cost);
    }

    /** Whether the shared store is gone and the failure mode refuses tickets. Call with the lock held. */
    boolean storeRefuses(long now, int cost) {
        return shared != null && !isRetired() && shared.refuses(now, cost);
    }

    @Override
    void admit(long now, int cost) {
        window.record(now, cost);
        noteAdmission(now, cost);
        if (shared != null) {
            shared.admit(now, cost);
        }
    }

    /** Takes {@code cost} admissions to be stamped later. Call with the lock held after a go-now answer. */
    void reserve(long now, int cost) {
        reserved += cost;
        noteAdmission(now, cost);
        if (shared != null) {
            shared.reserve(now, cost);
        }
    }

    /**
     * A reserved request is being sent now: from now on it occupies the window like an admission
     * made now. Times never go back, so the log stays in order. Call with the lock held.
     */
    void stamp(long now, int cost) {
        reserved = Math.max(0, reserved - cost);
        window.record(now, cost);
        lastActivityNanos = Math.max(lastActivityNanos, now); // the window holds it until now + per
        if (shared != null) {
            shared.stamp(now, cost);
        }
    }

    /** Returns a reservation that was never sent. Call with the lock held. */
    void cancelReservation(int cost) {
        reserved = Math.max(0, reserved - cost);
        if (shared != null) {
            shared.cancelReservation(cost);
        }
    }

    /** Returns admissions of a request that never reached the upstream. Call with the lock held. */
    void giveBack(long admittedAt, int cost) {
        window.giveBack(admittedAt, cost);
    }

    /**
     * Switches to {@code newLimit} if it differs, keeping the admission history (replayed into the
     * new window, conservatively for counters), reservations, and spacing from the last admission.
     * Call with the lock held.
     *
     * @return whether the limit changed
     */
    boolean ensureLimit(BucketLimit newLimit, long now) {
        if (hasLimit(newLimit)) {
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

    /** Its use now, for status. Call with the lock held. */
    BucketUsage usage(long now) {
        long earliest = refreshEarliestNanos(now, 1);
        long nextFree = earliest == UNTIL_RELEASE ? -1 : Math.max(0, earliest - now);
        return new BucketUsage(key, window.used(now) + reserved, limit.limit(), nextFree);
    }

    /**
     * Nobody waiting, nothing reserved and no admission within the window (so burst spacing has
     * drained too): forgetting the bucket changes no decision. Call with the lock held.
     */
    boolean isIdle(long now) {
        return !hasWaiters() && reserved == 0 && now - idleFromNanos() >= 0 && (shared == null || shared.isIdle());
    }

    /** When the bucket turns idle if nothing else happens. Call with the lock held, or accept a stale answer. */
    long idleFromNanos() {
        return lastActivityNanos + spanNanos(limit);
    }

    private void noteAdmission(long now, int cost) {
        if (spacing != null) {
            spacing.record(now, cost);
        }
        lastActivityNanos = now;
        admitted = true;
    }

    private void useLimit(BucketLimit newLimit) {
        this.limit = newLimit;
        this.window = AdmissionWindow.of(newLimit.limit(), spanNanos(newLimit));
        this.spacing = newLimit.burst() < newLimit.limit() ? new BurstSpacing(newLimit) : null;
    }

    long spanNanos() {
        return spanNanos(limit);
    }

    /** Absurdly long windows are capped well below overflow, since times get added to them. */
    private static long spanNanos(BucketLimit l) {
        long nanos = l.per().toNanos();
        return nanos >= Long.MAX_VALUE / 4 ? Long.MAX_VALUE / 4 : nanos;
    }
}
