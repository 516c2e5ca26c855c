package dev.rlproxy.core.limit;

/**
 * A configured bucket a request falls into. The key names one bucket instance, scope included
 * (e.g. {@code github/per-second/token=sha256:1a2b3c4d}); the limiter creates it on first use and
 * replaces its limit when a later ref carries a different one.
 *
 * @param limit       requests per interval; null for an in-flight cap
 * @param maxInFlight for an in-flight cap: requests in flight at once; 0 for a rate bucket
 * @param group       the bucket definition the key belongs to (e.g. {@code github/per-user}): the keys
 *                    of one definition share the {@code maxKeys} bound
 * @param maxKeys     how many keys of the group may be live at once; when full, idle keys (nothing in
 *                    their window) are dropped, and if none is idle a new key is refused
 */
public record BucketRef(String key, BucketLimit limit, int maxInFlight, String group, int maxKeys) {

    public BucketRef {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("bucket key must not be empty");
        }
        if ((limit == null) == (maxInFlight == 0)) {
            throw new IllegalArgumentException("bucket '" + key + "' needs either a limit or a positive in-flight cap");
        }
        if (maxInFlight < 0) {
            throw new IllegalArgumentException("bucket '" + key + "': in-flight cap must be positive, was " + maxInFlight);
        }
        if (group == null || group.isEmpty()) {
            throw new IllegalArgumentException("bucket group must not be empty");
        }
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys must be at least 1, was " + maxKeys);
        }
    }

    /** A rate bucket that is its own group, without a bound on keys (one key per group anyway). */
    public BucketRef(String key, BucketLimit limit) {
        this(key, limit, key, Integer.MAX_VALUE);
    }

    /** A rate bucket, one of the keys of {@code group}. */
    public BucketRef(String key, BucketLimit limit, String group, int maxKeys) {
        this(key, limit, 0, group, maxKeys);
    }

    /** A cap of {@code max} requests in flight at once (in-flight caps are evicted when idle). */
    public static BucketRef inFlight(String key, int max) {
        return new BucketRef(key, null, max, key, Integer.MAX_VALUE);
    }

    public boolean isInFlightCap() {
        return maxInFlight > 0;
    }
}
