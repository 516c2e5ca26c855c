package dev.rlproxy.core.limit;

import java.util.List;

/**
 * Every bucket one request must pass, resolved from its {@link TicketRequest}: the configured ones
 * (with the limits the request names for them), its in-flight caps, and, if it has a
 * {@link LearnedRef}, its learned route bucket and the scope's global bucket. {@link #ordered}
 * holds them all in lock order.
 */
final class RequestBuckets {

    static final ConfiguredBucket[] NO_CONFIGURED = new ConfiguredBucket[0];
    static final InFlightBucket[] NO_IN_FLIGHT = new InFlightBucket[0];

    /** The request's configured buckets, in the order of its refs. */
    final ConfiguredBucket[] configured;
    /** Its in-flight caps, in the order of its refs. */
    final InFlightBucket[] inFlight;
    /** The refs, which name the limit and cap each bucket is to have (see {@link #reconcileLimits}). */
    private final List<BucketRef> refs;
    /** Null when the request has no learned position; then {@link #route} and {@link #global} are too. */
    final LearnedScope scope;
    final LearnedRef learnedRef;
    final LearnedBucket route;
    final LearnedBucket global;
    /** All buckets, distinct, ascending {@link Bucket#id}. */
    final Bucket[] ordered;

    RequestBuckets(List<BucketRef> refs, ConfiguredBucket[] configured, InFlightBucket[] inFlight,
                   LearnedScope scope, LearnedRef learnedRef, LearnedBucket route) {
        this.refs = refs;
        this.configured = configured;
        this.inFlight = inFlight;
        this.scope = scope;
        this.learnedRef = learnedRef;
        this.route = route;
        this.global = scope == null ? null : scope.global;
        int n = configured.length + inFlight.length + (scope == null ? 0 : 2);
        Bucket[] all = new Bucket[n];
        System.arraycopy(configured, 0, all, 0, configured.length);
        System.arraycopy(inFlight, 0, all, configured.length, inFlight.length);
        if (scope != null) {
            all[n - 2] = route;
            all[n - 1] = global;
        }
        sortById(all);
        this.ordered = all;
    }

    /** Whether a bucket was dropped from its registry since it was resolved. Call with all locked. */
    boolean anyRetired() {
        for (Bucket b : ordered) {
            if (b.isRetired()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the learned route bucket was retired because the upstream has since named the bucket
     * the route belongs to: a waiter then moves there. Call with all locked.
     */
    boolean routeRetired() {
        return route != null && route.isRetired();
    }

    /** Brings each configured bucket to the limit this request names. Call with all locked. */
    boolean reconcileLimits(long now) {
        boolean changed = false;
        int c = 0;
        int f = 0;
        for (int i = 0; i < refs.size(); i++) {
            BucketRef ref = refs.get(i);
            if (ref.isInFlightCap()) {
                changed |= inFlight[f++].ensureMax(ref.maxInFlight());
            } else {
                changed |= configured[c++].ensureLimit(ref.limit(), now);
            }
        }
        return changed;
    }

    /** Whether anyone waits in any of the buckets. Call with all locked. */
    boolean anyWaiters() {
        for (Bucket b : ordered) {
            if (b.hasWaiters()) {
                return true;
            }
        }
        return false;
    }

    /** Whether a shared bucket's store is gone and its failure mode refuses tickets. Call with all locked. */
    boolean storeRefuses(long now, int cost) {
        for (ConfiguredBucket b : configured) {
            if (b.storeRefuses(now, cost)) {
                return true;
            }
        }
        return route != null && route.storeRefuses();
    }

    /** Whether every bucket admits {@code cost} now. Call with all locked. */
    boolean allAdmitNow(long now, int cost) {
        for (Bucket b : ordered) {
            if (b.refreshEarliestNanos(now, cost) > now) {
                return false;
            }
        }
        return true;
    }

    /**
     * Takes the admissions in every bucket; configured buckets only reserve them when the request
     * is stamped at send. Call with all locked, after {@link #allAdmitNow}.
     */
    void admitAll(long now, int cost, boolean stampAtSend) {
        for (Bucket b : ordered) {
            if (stampAtSend && b instanceof ConfiguredBucket configuredBucket) {
                configuredBucket.reserve(now, cost);
            } else {
                b.admit(now, cost);
            }
        }
    }

    /**
     * The latest known time any bucket names, or {@code now}; {@link Bucket#UNTIL_RELEASE} only if
     * no bucket names a later time but one waits for an in-flight request. Call with all locked;
     * like {@link Bucket#refreshEarliestNanos} it may update time-driven state.
     */
    long refreshEarliestNanos(long now, int cost) {
        long known = now;
        boolean untilRelease = false;
        for (Bucket b : ordered) {
            long e = b.refreshEarliestNanos(now, cost);
            if (e == Bucket.UNTIL_RELEASE) {
                untilRelease = true;
            } else {
                known = Math.max(known, e);
            }
        }
        return known > now ? known : untilRelease ? Bucket.UNTIL_RELEASE : now;
    }

    private static void sortById(Bucket[] a) {
        for (int i = 1; i < a.length; i++) {
            Bucket b = a[i];
            int j = i - 1;
            while (j >= 0 && a[j].id > b.id) {
                a[j + 1] = a[j];
                j--;
            }
            a[j + 1] = b;
        }
    }
}
