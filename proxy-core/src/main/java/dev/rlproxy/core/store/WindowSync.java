package dev.rlproxy.core.store;

import dev.rlproxy.core.headers.RateLimitWindow;
import java.util.List;

/**
 * One replica's round trip for one learned bucket: what it returns, what it now holds, what the
 * upstream told it since the last sync, and how many units it would like.
 *
 * @param key             the bucket: scope (upstream + token fingerprint, never a token) and bucket id or route
 * @param replica         the replica's id, stable for its lifetime
 * @param want            units to lease now (0: only report)
 * @param outstanding     units this replica holds after this sync's returns: unused credits plus
 *                        requests in flight, absolute (so a lost reply or an outage heals itself)
 * @param returned        unused credits handed back with this sync
 * @param reports         the freshest report per window name seen since the last sync
 * @param retryAfterMillis a Retry-After the upstream answered with since the last sync, or -1
 * @param assumed         a limit assumed until the upstream reports one, or null
 * @param timing          margins and bounds, as the local limiter uses them
 * @param boundTo         for a route's key: the upstream's bucket id this replica learned the route
 *                        belongs to, kept in the store so no other replica probes on the route key
 *                        uncounted where the upstream counts it; null if not known
 */
public record WindowSync(String key, String replica, int want, long outstanding, int returned,
                         List<RateLimitWindow> reports, long retryAfterMillis, AssumedWindow assumed,
                         WindowTiming timing, String boundTo) {

    public WindowSync {
        reports = List.copyOf(reports);
        if (want < 0 || outstanding < 0 || returned < 0) {
            throw new IllegalArgumentException("want, outstanding and returned must not be negative");
        }
    }

    /** A sync that names no bucket id for its route. */
    public WindowSync(String key, String replica, int want, long outstanding, int returned,
                      List<RateLimitWindow> reports, long retryAfterMillis, AssumedWindow assumed,
                      WindowTiming timing) {
        this(key, replica, want, outstanding, returned, reports, retryAfterMillis, assumed, timing, null);
    }

    /** {@code limit} calls per {@code periodMillis}, assumed until a report comes. */
    public record AssumedWindow(long limit, long periodMillis) {
    }

    /**
     * @param resetMarginMillis added to every reset and retry-after (clock skew, rounding)
     * @param maxResetWaitMillis the furthest ahead a reset or retry-after is believed
     */
    public record WindowTiming(long resetMarginMillis, long maxResetWaitMillis) {
    }
}
