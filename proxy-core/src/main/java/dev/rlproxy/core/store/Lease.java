package dev.rlproxy.core.store;

/**
 * The answer to a {@link LeaseRequest}.
 *
 * @param id              names the lease when it is closed; with nothing granted, names the retry
 *                        promise instead, which the caller withdraws by passing it as the previous
 *                        lease id when it comes back; 0 when there is neither
 * @param granted         slots the caller may use: the carried reservations plus the fresh slots
 * @param fresh           of {@code granted}, the slots newly taken from the bucket
 * @param retryAfterNanos when the answer leaves the bucket with less than a useful share (nothing
 *                        fresh although some was wanted, or the last slots): how long until enough
 *                        capacity has left the window to be worth asking again; else 0
 */
public record Lease(long id, int granted, int fresh, long retryAfterNanos) {

    public static final Lease NONE = new Lease(0, 0, 0, 0);

    public Lease {
        if (granted < 0 || fresh < 0 || fresh > granted || retryAfterNanos < 0) {
            throw new IllegalArgumentException("inconsistent lease " + id + ": granted " + granted + ", fresh " + fresh
                    + ", retry after " + retryAfterNanos);
        }
    }
}
