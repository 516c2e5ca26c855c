package dev.rlproxy.core.limit;

/**
 * The "at most {@code limit} admissions in any half-open interval of length {@code span}" part of
 * a configured bucket. Not thread-safe: the owning {@link ConfiguredBucket} calls it under its lock,
 * with times that never go back.
 */
interface AdmissionWindow {

    /** Limits up to this size keep an exact log of admission times; larger ones count sub-windows. */
    int SLIDING_LOG_MAX_LIMIT = 1024;

    /** The window that fits {@code limit}: exact for small limits, conservative counters for large. */
    static AdmissionWindow of(long limit, long spanNanos) {
        return limit <= SLIDING_LOG_MAX_LIMIT
                ? new SlidingLog((int) limit, spanNanos)
                : new SubWindowCounters(limit, spanNanos);
    }

    /**
     * The earliest time at which {@code cost} more admissions keep the promise: {@code now} (or
     * earlier) when they may go now. {@code cost} must not exceed the limit.
     */
    long earliestNanos(long now, int cost);

    /**
     * Admissions that still count against the limit at {@code now}: those of the last {@code span}
     * (for counters, of the sub-windows that overlap it: never fewer). For status, not decisions.
     */
    long used(long now);

    /** Records {@code cost} admissions at {@code at} (never earlier than a previous one). */
    void record(long at, int cost);

    /** Forgets {@code cost} admissions made at {@code at}: the request never reached the upstream. */
    void giveBack(long at, int cost);

    /**
     * Replays the admissions that still matter into {@code target}, oldest first, each at its
     * recorded time or later (later is the conservative direction) but never after {@code now}.
     */
    void replayInto(AdmissionWindow target, long now);
}
