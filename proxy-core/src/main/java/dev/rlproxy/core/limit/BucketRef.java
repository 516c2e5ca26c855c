package dev.rlproxy.core.limit;

/**
 * A configured bucket a request falls into. The key names one bucket instance, scope included
 * (e.g. {@code github/per-second/token=sha256:1a2b3c4d}); the limiter creates it on first use and
 * replaces its limit when a later ref carries a different one.
 */
public record BucketRef(String key, BucketLimit limit) {

    public BucketRef {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("bucket key must not be empty");
        }
        if (limit == null) {
            throw new IllegalArgumentException("bucket limit must not be null");
        }
    }
}
