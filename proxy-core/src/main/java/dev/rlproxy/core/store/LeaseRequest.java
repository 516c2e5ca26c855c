package dev.rlproxy.core.store;

/**
 * One round trip to the store for one bucket.
 *
 * @param bucketKey       the configured bucket's key (the same on every replica)
 * @param limit           sends allowed per {@code perNanos}
 * @param perNanos        the window
 * @param wanted          fresh slots wanted (0: only close and carry)
 * @param carried         reservations granted from the previous lease and not yet sent: they move
 *                        into the new lease without a capacity check, having been counted all along
 * @param previousLeaseId the lease being closed, or the retry promise of an empty answer being
 *                        withdrawn; 0 for none
 * @param usage           when the previous lease's slots were used
 */
public record LeaseRequest(String bucketKey, long limit, long perNanos, int wanted, int carried,
                           long previousLeaseId, LeaseUsage usage) {

    public LeaseRequest {
        if (bucketKey == null || bucketKey.isEmpty()) {
            throw new IllegalArgumentException("bucket key must not be empty");
        }
        if (limit < 1 || perNanos < 1 || wanted < 0 || carried < 0) {
            throw new IllegalArgumentException("bad lease request for '" + bucketKey + "': limit " + limit
                    + ", per " + perNanos + " ns, wanted " + wanted + ", carried " + carried);
        }
        usage = usage == null ? LeaseUsage.NONE : usage;
    }
}
