package dev.rlproxy.core.limit;

/**
 * A configured bucket a request falls into. The key names one bucket instance, scope included
 * (e.g. {@code github/per-second/token=sha256:1a2b3c4d}); the limiter creates it on first use and
 * replaces its limit when a later ref carries a different one.
 *
 * @param group   the bucket definition the key belongs to (e.g. {@code github/per-user}): the keys
 *                of one definition share the {@code maxKeys} bound
 * @param maxKeys how many keys of the group may be live at once; when full, idle keys (nothing in
 *                their window) are dropped, and if none is idle a new key is refused
 */
public record BucketRef(String key, BucketLimit limit, String group, int maxKeys) {

    public BucketRef {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("bucket key must not be empty");
        }
        if (limit == null) {
            throw new IllegalArgumentException("bucket limit must not be null");
        }
        if (group == null || group.isEmpty()) {
            throw new IllegalArgumentException("bucket group must not be empty");
        }
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys must be at least 1, was " + maxKeys);
        }
    }

    /** A bucket that is its own group, without a bound on keys (one key per group anyway). */
    public BucketRef(String key, BucketLimit limit) {
        this(key, limit, key, Integer.MAX_VALUE);
    }
}
