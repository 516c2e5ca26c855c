package dev.rlproxy.core.limit;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The learned buckets of one scope (typically upstream + token): one per upstream bucket id, one
 * per route the upstream has not yet named a bucket for, and the scope-wide global bucket every
 * request of the scope also passes (Discord's global limit).
 */
final class LearnedScope {

    final LearnedBucket global;
    private final String name;
    /** Null when windows are only local. */
    private final SharedWindows sharing;
    /** Routes the upstream has told us a bucket id for. */
    private final ConcurrentHashMap<String, String> bucketIdByRoute = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LearnedBucket> byBucketId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LearnedBucket> byUnnamedRoute = new ConcurrentHashMap<>();

    /**
     * @param sharing shares the route and named buckets with other replicas (null: local only); the
     *                global bucket, which limits nothing until told, stays local
     */
    LearnedScope(String name, long now, SharedWindows sharing) {
        this.name = name;
        this.sharing = sharing;
        this.global = new LearnedBucket(false, null, now);
    }

    /** The bucket a route's requests are charged to now. */
    LearnedBucket forRoute(String route, BucketLimit assumedLimit, long now) {
        String bucketId = bucketIdByRoute.get(route);
        if (bucketId != null) {
            return named(bucketId, assumedLimit, now);
        }
        LearnedBucket bucket = byUnnamedRoute.get(route);
        return bucket != null
                ? bucket
                : byUnnamedRoute.computeIfAbsent(route, r -> new LearnedBucket(true, assumedLimit, now, sharing, name,
                        "route:" + r, sharing == null ? null : id -> bind(r, id, assumedLimit, sharing.clock.nanoTime())));
    }

    /** The upstream said {@code route} is in bucket {@code bucketId}: from now on it is charged there. */
    LearnedBucket bind(String route, String bucketId, BucketLimit assumedLimit, long now) {
        bucketIdByRoute.put(route, bucketId);
        LearnedBucket unnamed = byUnnamedRoute.remove(route);
        if (unnamed != null) {
            // Requests still waiting on it move to the named bucket (see TicketQueue#relocate):
            // left here they would go one at a time, uncounted where the upstream counts them.
            unnamed.lock();
            try {
                unnamed.retire();
                unnamed.closeShared(bucketId);
            } finally {
                unnamed.unlock();
            }
        }
        return named(bucketId, assumedLimit, now);
    }

    /** Adds the route and named buckets (those shared with other replicas when sharing is on) to {@code into}. */
    void collectShared(List<Bucket> into) {
        into.addAll(byBucketId.values());
        into.addAll(byUnnamedRoute.values());
    }

    /** Offers the reported windows of every bucket of the scope to {@code into} (see {@link LearnedBucket#usage}). */
    void usage(String scope, long now, TopN<LearnedUsage> into) {
        usage(global, scope, "global", now, into);
        byBucketId.forEach((id, bucket) -> usage(bucket, scope, id, now, into));
        byUnnamedRoute.forEach((route, bucket) -> usage(bucket, scope, "route:" + route, now, into));
    }

    private static void usage(LearnedBucket bucket, String scope, String name, long now, TopN<LearnedUsage> into) {
        bucket.lock();
        try {
            if (!bucket.isRetired()) {
                bucket.usage(scope, name, now, into);
            }
        } finally {
            bucket.unlock();
        }
    }

    /** Retires idle buckets; true when nothing at all is left in use (the scope may go). */
    boolean evictIdle(long now, long idleNanos) {
        evictFrom(byBucketId, now, idleNanos);
        evictFrom(byUnnamedRoute, now, idleNanos);
        if (!byBucketId.isEmpty() || !byUnnamedRoute.isEmpty()) {
            return false;
        }
        global.lock();
        try {
            if (global.isIdle(now, idleNanos)) {
                global.retire();
                return true;
            }
            return false;
        } finally {
            global.unlock();
        }
    }

    private LearnedBucket named(String bucketId, BucketLimit assumedLimit, long now) {
        LearnedBucket bucket = byBucketId.get(bucketId);
        return bucket != null
                ? bucket
                : byBucketId.computeIfAbsent(bucketId, id -> new LearnedBucket(true, assumedLimit, now, sharing, name,
                        "id:" + id, null));
    }

    private static void evictFrom(ConcurrentHashMap<String, LearnedBucket> map, long now, long idleNanos) {
        map.forEach((key, bucket) -> {
            bucket.lock();
            try {
                if (bucket.isIdle(now, idleNanos)) {
                    bucket.retire();
                    bucket.closeShared(null);
                    map.remove(key, bucket);
                }
            } finally {
                bucket.unlock();
            }
        });
    }
}
