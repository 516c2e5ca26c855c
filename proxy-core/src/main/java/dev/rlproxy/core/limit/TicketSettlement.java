package dev.rlproxy.core.limit;

import dev.rlproxy.core.headers.RateLimitObservation;
import dev.rlproxy.core.time.Clock;

/**
 * Issues tickets and settles them: feeds what the upstream said back into the learned buckets,
 * returns reservations, and wakes the queue of every bucket that changed.
 */
final class TicketSettlement {

    private final Clock clock;
    private final long resetMarginNanos;
    private final long maxResetWaitNanos;
    private TicketQueue queue;

    TicketSettlement(Clock clock, long resetMarginNanos, long maxResetWaitNanos) {
        this.clock = clock;
        this.resetMarginNanos = resetMarginNanos;
        this.maxResetWaitNanos = maxResetWaitNanos;
    }

    /** Breaks the construction cycle: the queue issues tickets, tickets wake the queue. */
    void wakes(TicketQueue queue) {
        this.queue = queue;
    }

    GrantedTicket ticket(RequestBuckets buckets, TicketRequest request, long admittedAtNanos) {
        boolean reserved = request.stampAtSend() && buckets.configured.length > 0;
        return new RequestBucketsTicket(this, buckets, request.cost(), admittedAtNanos, reserved);
    }

    /** The ticket of a request whose only bucket is {@code bucket}, admitted (or reserved) at once. */
    GrantedTicket ticket(ConfiguredBucket bucket, TicketRequest request, long admittedAtNanos) {
        return new SingleBucketTicket(this, bucket, request.cost(), admittedAtNanos, request.stampAtSend());
    }

    /**
     * A reserved request counts from now in its configured buckets. Their heads may have waited for
     * this (a full set of reservations): they now learn the exact time they may go.
     */
    void stamp(RequestBuckets buckets, int cost) {
        long now = clock.nanoTime();
        for (ConfiguredBucket bucket : buckets.configured) {
            stamp(bucket, cost, now);
        }
        queue.wake(buckets.configured);
    }

    /** {@link #stamp(RequestBuckets, int)} for a request in one configured bucket only. */
    void stamp(ConfiguredBucket bucket, int cost) {
        stamp(bucket, cost, clock.nanoTime());
        queue.wake(bucket);
    }

    private static void stamp(ConfiguredBucket bucket, int cost, long now) {
        bucket.lock();
        try {
            bucket.stamp(now, cost);
        } finally {
            bucket.unlock();
        }
    }

    /**
     * @param counted      false when the upstream may not have counted the request (a 304): reports are trusted as they are
     * @param serverError  the answer was a 5xx: without rate-limit headers it does not show that the
     *                     upstream never sends them (a gateway's error page), so it marks no bucket silent
     */
    void complete(RequestBuckets buckets, RateLimitObservation observation, long admittedAtNanos, boolean counted,
                  boolean serverError) {
        if (buckets.scope == null) {
            return; // configured admissions stay spent; nothing else to learn or wake
        }
        long now = clock.nanoTime();
        long wallNow = clock.wallMillis();
        LearnedBucket charged = buckets.route;
        LearnedBucket target = observation.bucket() == null
                ? charged
                : buckets.scope.bind(buckets.learnedRef.route(), observation.bucket(),
                        buckets.learnedRef.assumedLimit(), now);
        boolean throttleHere = observation.throttled() && !observation.global();
        if (target != charged) {
            // Apply the report before the in-flight slot frees up, so no one slips in between.
            target.lock();
            try {
                target.apply(observation, true, throttleHere, now, wallNow, resetMarginNanos, maxResetWaitNanos);
            } finally {
                target.unlock();
            }
        }
        charged.lock();
        try {
            charged.settle(true, target == charged ? observation : null, counted, admittedAtNanos, now, wallNow,
                    resetMarginNanos);
            if (target == charged) {
                charged.apply(observation, true, throttleHere, now, wallNow, resetMarginNanos, maxResetWaitNanos);
                if (observation.isEmpty() && !serverError) {
                    charged.heardNothing();
                }
            }
        } finally {
            charged.unlock();
        }
        LearnedBucket global = buckets.global;
        global.lock();
        try {
            if (observation.global()) {
                global.apply(observation, false, observation.throttled(), now, wallNow, resetMarginNanos,
                        maxResetWaitNanos);
            }
            global.settle(true, observation.global() ? observation : null, counted, admittedAtNanos, now, wallNow,
                    resetMarginNanos);
        } finally {
            global.unlock();
        }
        queue.wake(charged, target, global);
    }

    /**
     * @param reserved whether the configured buckets held a reservation rather than an admission
     *                 (already stamped by the ticket if {@code maybeSent})
     */
    void abandon(RequestBuckets buckets, int cost, long admittedAtNanos, boolean maybeSent, boolean reserved) {
        long now = clock.nanoTime();
        long wallNow = clock.wallMillis();
        if (!maybeSent) {
            for (ConfiguredBucket bucket : buckets.configured) {
                giveBack(bucket, cost, admittedAtNanos, reserved);
            }
        }
        if (buckets.scope != null) {
            for (LearnedBucket bucket : new LearnedBucket[] {buckets.route, buckets.global}) {
                bucket.lock();
                try {
                    bucket.settle(maybeSent, null, true, admittedAtNanos, now, wallNow, resetMarginNanos);
                } finally {
                    bucket.unlock();
                }
            }
        }
        queue.wake(buckets.ordered);
    }

    /** {@link #abandon(RequestBuckets, int, long, boolean, boolean)} for a request in one configured bucket only. */
    void abandon(ConfiguredBucket bucket, int cost, long admittedAtNanos, boolean maybeSent, boolean reserved) {
        if (!maybeSent) {
            giveBack(bucket, cost, admittedAtNanos, reserved);
        }
        queue.wake(bucket);
    }

    /** The request never reached the upstream: its reservation or admission goes back. */
    private static void giveBack(ConfiguredBucket bucket, int cost, long admittedAtNanos, boolean reserved) {
        bucket.lock();
        try {
            if (reserved) {
                bucket.cancelReservation(cost);
            } else {
                bucket.giveBack(admittedAtNanos, cost);
            }
        } finally {
            bucket.unlock();
        }
    }

    /** Frees the request's slots in its in-flight caps and wakes their queues. */
    void release(RequestBuckets buckets, int cost) {
        for (InFlightBucket bucket : buckets.inFlight) {
            bucket.lock();
            try {
                bucket.release(cost);
            } finally {
                bucket.unlock();
            }
        }
        queue.wake(buckets.inFlight);
    }
}
