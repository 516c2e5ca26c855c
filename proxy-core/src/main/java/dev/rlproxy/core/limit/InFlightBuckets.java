package dev.rlproxy.core.limit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The in-flight caps by key: created on first use, dropped on request or when nothing is in flight.
 * A dropped bucket is {@linkplain Bucket#retire() retired} under its lock, as in {@link ConfiguredBuckets}.
 */
final class InFlightBuckets {

    private final ConcurrentHashMap<String, InFlightBucket> byKey = new ConcurrentHashMap<>();

    /** The live bucket for {@code ref}; its cap is reconciled later, under its lock. */
    InFlightBucket get(BucketRef ref) {
        InFlightBucket bucket = byKey.get(ref.key());
        return bucket != null ? bucket : byKey.computeIfAbsent(ref.key(), k -> new InFlightBucket(k, ref.maxInFlight()));
    }

    List<InFlightBucket> remove(Predicate<String> keyMatches) {
        List<InFlightBucket> removed = new ArrayList<>();
        for (InFlightBucket bucket : byKey.values()) {
            if (keyMatches.test(bucket.key)) {
                retire(bucket);
                removed.add(bucket);
            }
        }
        return removed;
    }

    /** Drops buckets with nothing in flight: a per-token cap must not outlive its token's traffic. */
    void evictIdle() {
        for (InFlightBucket bucket : byKey.values()) {
            bucket.lock();
            try {
                if (bucket.isIdle()) {
                    bucket.retire();
                    byKey.remove(bucket.key, bucket);
                }
            } finally {
                bucket.unlock();
            }
        }
    }

    /** Requests in flight in the bucket {@code key}, 0 if none. */
    int inFlight(String key) {
        InFlightBucket bucket = byKey.get(key);
        if (bucket == null) {
            return 0;
        }
        bucket.lock();
        try {
            return bucket.inFlight();
        } finally {
            bucket.unlock();
        }
    }

    /**
     * The keys starting with {@code keyPrefix}: how many, their sum, and the {@code top} busiest.
     * One pass over the live caps, each read under its own lock (so not one atomic picture of
     * all keys, which monitoring does not need); memory stays bounded by {@code top}.
     */
    InFlightSnapshot snapshot(String keyPrefix, int top) {
        TopN<InFlightSnapshot.KeyInFlight> busiest = new TopN<>(top, Comparator
                .comparingInt(InFlightSnapshot.KeyInFlight::inFlight).reversed()
                .thenComparing(InFlightSnapshot.KeyInFlight::key));
        long total = 0;
        for (InFlightBucket bucket : byKey.values()) {
            if (!bucket.key.startsWith(keyPrefix)) {
                continue;
            }
            InFlightSnapshot.KeyInFlight entry;
            bucket.lock();
            try {
                if (bucket.isRetired()) {
                    continue;
                }
                entry = new InFlightSnapshot.KeyInFlight(bucket.key, bucket.inFlight(), bucket.max());
            } finally {
                bucket.unlock();
            }
            total += entry.inFlight();
            busiest.offer(entry);
        }
        Busiest<InFlightSnapshot.KeyInFlight> kept = busiest.result();
        return new InFlightSnapshot(kept.total(), total, kept.top());
    }

    int size() {
        return byKey.size();
    }

    private void retire(InFlightBucket bucket) {
        bucket.lock();
        try {
            bucket.retire();
            byKey.remove(bucket.key, bucket);
        } finally {
            bucket.unlock();
        }
    }
}
