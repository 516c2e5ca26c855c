package dev.rlproxy.core.limit;

/**
 * A cap on requests in flight at once (GitHub asks for no more than ~100 concurrent requests per
 * token; many APIs cap concurrent requests per key). A request holds its slot from admission until
 * its ticket is released: when the response has been relayed, failed, or the client went away.
 * Waiters wait for a release, never for a time. State is guarded by the bucket lock; see {@link Bucket}.
 */
final class InFlightBucket extends Bucket {

    final String key;
    private int max;
    private int inFlight;

    InFlightBucket(String key, int max) {
        this.key = key;
        this.max = max;
    }

    @Override
    long refreshEarliestNanos(long now, int cost) {
        if (isRetired() || inFlight + cost <= max) {
            return now; // a retired bucket was removed from the configuration: it holds no one back
        }
        return UNTIL_RELEASE;
    }

    @Override
    void admit(long now, int cost) {
        inFlight += cost;
    }

    /** A request holding {@code cost} slots is over. Call with the lock held. */
    void release(int cost) {
        inFlight = Math.max(0, inFlight - cost);
    }

    /** Switches to a new cap (after a reload); those in flight keep their slots. Call with the lock held. */
    boolean ensureMax(int newMax) {
        if (newMax == max) {
            return false;
        }
        max = newMax;
        return true;
    }

    int inFlight() {
        return inFlight;
    }

    int max() {
        return max;
    }

    /** Nothing in flight, nobody waiting: dropping it loses nothing. Call with the lock held. */
    boolean isIdle() {
        return inFlight == 0 && !hasWaiters();
    }
}
