package dev.rlproxy.core.limit;

/**
 * A configured bucket a request falls into. The key names one bucket instance, scope included
 * (e.g. {@code github/per-second/token=sha256:1a2b3c4d}); the limiter creates it on first use and
 * replaces its limit when a later ref carries a different one.
 *
 * @param limit       requests per interval; null for an in-flight cap
 * @param maxInFlight for an in-flight cap: requests in flight at once; 0 for a rate bucket
 */
public record BucketRef(String key, BucketLimit limit, int maxInFlight) {

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
    }

    /** A rate bucket: {@code limit} per interval. */
    public BucketRef(String key, BucketLimit limit) {
        this(key, limit, 0);
    }

    /** A cap of {@code max} requests in flight at once. */
    public static BucketRef inFlight(String key, int max) {
        return new BucketRef(key, null, max);
    }

    public boolean isInFlightCap() {
        return maxInFlight > 0;
    }
}
