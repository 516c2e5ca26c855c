package dev.rlproxy.core.store;

/**
 * How many fresh slots a lease gets, the same rule in every store (the Redis script mirrors it):
 * what was wanted, but no more than half of what is left (so other replicas find some), and no
 * less than an eighth of the limit while that much is left (so a nearly full bucket is not
 * handed out one slot per round trip); and all that is left rather than a rest smaller than that
 * eighth. A replica whose answer leaves less than that eighth (nothing granted, or the last slots)
 * is told when to come back: when that eighth (or what it wants, if less) has left the window, and
 * half a share later for each replica already told to come back before then.
 */
public final class LeaseSizing {

    private LeaseSizing() {
    }

    /** Fresh slots for {@code wanted} when {@code left} are free in a bucket of {@code limit}. */
    public static int fresh(long wanted, long left, long limit) {
        if (wanted <= 0 || left <= 0) {
            return 0;
        }
        long useful = minUseful(limit, wanted);
        long share = Math.max((left + 1) / 2, useful);
        if (left - share < useful) {
            share = left; // what would remain is not worth a round trip of its own
        }
        return (int) Math.min(Math.min(wanted, left), share);
    }

    /** Slots worth a round trip: an eighth of the limit, or what is wanted if less; at least 1. */
    public static long minUseful(long limit, long wanted) {
        return Math.max(1, Math.min(wanted, (limit + 7) / 8));
    }
}
