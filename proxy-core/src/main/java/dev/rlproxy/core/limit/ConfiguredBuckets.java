package dev.rlproxy.core.limit;

import java.util.Comparator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The configured buckets by key: created on first use, dropped when idle. A dropped bucket is
 * {@linkplain Bucket#retire() retired} under its lock, so a request that already held a reference
 * to it notices and looks the key up again rather than admitting into a dead bucket.
 *
 * <p>Keys come from clients (a header value, a credential), so each group (bucket definition) holds
 * at most {@link BucketRef#maxKeys()} of them. When a group is full, every idle key of it goes at
 * once: an idle key's window holds no admission, so forgetting it changes no decision. If none is
 * idle, the new key is refused with {@link TicketRefusedException.Reason#TOO_MANY_KEYS} until the
 * earliest key turns idle; the group is not scanned again before then, so a flood of new keys costs
 * one scan per such moment, not one per request.
 */
final class ConfiguredBuckets {

    private final ConcurrentHashMap<String, ConfiguredBucket> byKey = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, KeyGroup> groups = new ConcurrentHashMap<>();
    /** Null when this process alone decides. */
    private final SharedCapacity shared;

    ConfiguredBuckets(SharedCapacity shared) {
        this.shared = shared;
    }

    /**
     * The live bucket for {@code ref}; its limit is reconciled later, under its lock.
     *
     * @throws TicketRefusedException when the key is new and its group is full of busy keys
     */
    ConfiguredBucket get(BucketRef ref, long now) {
        ConfiguredBucket bucket = byKey.get(ref.key());
        if (bucket != null) {
            return bucket;
        }
        KeyGroup group = groups.computeIfAbsent(ref.group(), KeyGroup::new);
        if (!group.reserve(ref.maxKeys()) && !(evictIdle(group, now) && group.reserve(ref.maxKeys()))) {
            long retryAfter = Math.max(0, group.nextScanNanos - now);
            throw new TicketRefusedException(TicketRefusedException.Reason.TOO_MANY_KEYS, retryAfter,
                    "bucket '" + group.name + "' already tracks " + ref.maxKeys() + " keys, none of them idle; "
                            + "retry in " + Math.max(1, retryAfter / 1_000_000L) + " ms");
        }
        ConfiguredBucket[] created = new ConfiguredBucket[1];
        bucket = byKey.computeIfAbsent(ref.key(),
                k -> created[0] = new ConfiguredBucket(k, group, ref.limit(), now, shared));
        if (created[0] == null) {
            group.keys.decrementAndGet(); // another request created it first
        }
        return bucket;
    }

    /** Drops idle buckets of every group: nothing in their window, nothing reserved, nobody waiting. */
    void evictIdle(long now) {
        for (ConfiguredBucket bucket : byKey.values()) {
            dropIfIdle(bucket, now);
        }
    }

    int size() {
        return byKey.size();
    }

    /** The buckets held now (a copy), e.g. to wake all their waiters when the store comes and goes. */
    Bucket[] all() {
        return byKey.values().toArray(new Bucket[0]);
    }

    /**
     * The keys starting with {@code keyPrefix}: how many, and the {@code top} with the most used of
     * their limit. One pass, each read under its own lock; memory bounded by {@code top}.
     */
    Busiest<BucketUsage> usage(String keyPrefix, int top, long now) {
        TopN<BucketUsage> busiest = new TopN<>(top, Comparator
                .comparingDouble((BucketUsage u) -> (double) u.used() / u.limit()).reversed()
                .thenComparing(BucketUsage::key));
        for (ConfiguredBucket bucket : byKey.values()) {
            if (!bucket.key.startsWith(keyPrefix)) {
                continue;
            }
            bucket.lock();
            try {
                if (!bucket.isRetired()) {
                    busiest.offer(bucket.usage(now));
                }
            } finally {
                bucket.unlock();
            }
        }
        return busiest.result();
    }

    /**
     * Drops the group's idle keys, at most once until the earliest busy one turns idle.
     *
     * @return whether a scan ran (so a reservation is worth trying again)
     */
    private boolean evictIdle(KeyGroup group, long now) {
        synchronized (group) {
            if (group.nextScanNanos != Long.MIN_VALUE && now - group.nextScanNanos < 0) {
                return false;
            }
            long nextIdle = Long.MAX_VALUE;
            for (ConfiguredBucket bucket : byKey.values()) {
                if (bucket.group == group && !dropIfIdle(bucket, now)) {
                    nextIdle = Math.min(nextIdle, bucket.idleFromNanos());
                }
            }
            group.nextScanNanos = nextIdle == Long.MAX_VALUE ? now : nextIdle;
            return true;
        }
    }

    private boolean dropIfIdle(ConfiguredBucket bucket, long now) {
        bucket.lock();
        try {
            if (!bucket.isIdle(now)) {
                return false;
            }
            bucket.retire();
            if (byKey.remove(bucket.key, bucket)) {
                bucket.group.keys.decrementAndGet();
            }
            return true;
        } finally {
            bucket.unlock();
        }
    }

    /** The live keys of one bucket definition. */
    static final class KeyGroup {
        final String name;
        final AtomicInteger keys = new AtomicInteger();
        /** Before this no key of the group can be idle: a scan would find nothing. Written under this. */
        volatile long nextScanNanos = Long.MIN_VALUE;

        KeyGroup(String name) {
            this.name = name;
        }

        boolean reserve(int maxKeys) {
            int n;
            do {
                n = keys.get();
                if (n >= maxKeys) {
                    return false;
                }
            } while (!keys.compareAndSet(n, n + 1));
            return true;
        }
    }
}
