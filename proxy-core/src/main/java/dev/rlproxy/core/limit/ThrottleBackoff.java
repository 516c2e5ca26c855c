package dev.rlproxy.core.limit;

/**
 * How long to hold a bucket or token back after a throttled answer that names no time of its own
 * (a 429 without {@code Retry-After} or reset): 1 s, doubling with each throttled answer in a row,
 * at most 30 s; any answer that is not throttled starts again at 1 s. A throttled answer is taken
 * as information about pace, not as a verdict: requests keep waiting for their turn (within their
 * own max wait) and the bucket returns to full speed as soon as the back-off ends.
 *
 * <p>Not thread-safe: the owner calls it under its own lock.
 */
public final class ThrottleBackoff {

    public static final long FIRST_NANOS = 1_000_000_000L;
    public static final long MAX_NANOS = 30_000_000_000L;

    private int streak;

    /** A throttled answer arrived: the back-off to apply now. */
    public long throttled() {
        streak = Math.min(streak + 1, 30);
        long delay = FIRST_NANOS;
        for (int i = 1; i < streak && delay < MAX_NANOS; i++) {
            delay *= 2;
        }
        return Math.min(delay, MAX_NANOS);
    }

    /** An answer that was not throttled: the next back-off starts from the first step again. */
    public void answered() {
        streak = 0;
    }
}
