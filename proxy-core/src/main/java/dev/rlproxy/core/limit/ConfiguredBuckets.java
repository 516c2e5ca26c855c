package dev.rlproxy.core.limit;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The configured buckets by key: created on first use, dropped on request or when idle. A dropped
 * bucket is {@linkplain Bucket#retire() retired} under its lock, so a request that already held a
 * reference to it notices and looks the key up again rather than admitting into a dead bucket.
 */
final class ConfiguredBuckets {

    private final ConcurrentHashMap<String, ConfiguredBucket> byKey = new ConcurrentHashMap<>();

    /** The live bucket for {@code ref}; its limit is reconciled later, under its lock. */
    ConfiguredBucket get(BucketRef ref, long now) {
        ConfiguredBucket bucket = byKey.get(ref.key());
        if (bucket != null) {
            return bucket;
        }
        return byKey.computeIfAbsent(ref.key(), k -> new ConfiguredBucket(k, ref.limit(), now));
    }

    /**
     * Drops the buckets whose key matches. Requests already waiting on one stop waiting for it.
     *
     * @return the buckets dropped, so their waiters can be woken
     */
    java.util.List<ConfiguredBucket> remove(Predicate<String> keyMatches) {
        java.util.List<ConfiguredBucket> removed = new java.util.ArrayList<>();
        for (ConfiguredBucket bucket : byKey.values()) {
            if (keyMatches.test(bucket.key)) {
                bucket.lock();
                try {
                    bucket.retire();
                    byKey.remove(bucket.key, bucket);
                } finally {
                    bucket.unlock();
                }
                removed.add(bucket);
            }
        }
        return removed;
    }

    /** Drops idle buckets (no admission for more than twice their window, nothing reserved, nobody waiting). */
    void evictIdle(long now) {
        for (ConfiguredBucket bucket : byKey.values()) {
            bucket.lock();
            try {
                if (bucket.isIdle(now)) {
                    bucket.retire();
                    byKey.remove(bucket.key, bucket);
                }
            } finally {
                bucket.unlock();
            }
        }
    }

    int size() {
        return byKey.size();
    }
}
