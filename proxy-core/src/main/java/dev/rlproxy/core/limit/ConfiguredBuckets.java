package dev.rlproxy.core.limit;

import java.util.Comparator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.StampedLock;

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
 *
 * <p>A {@code ConcurrentHashMap}'s table never shrinks: after a million keys turned idle and went,
 * it would keep 8 MiB. So when the periodic sweep finds only a few keys where there once were many,
 * the map is replaced by a copy of the live ones. The peak is taken as keys are added, since a full
 * group drops its idle keys itself between sweeps and the sweep alone might never see the crowd.
 * Creating and dropping buckets hold {@link #table}'s read lock and the copy its write lock, so no
 * bucket is created in, or dropped from, a map being replaced; looking a key up takes no lock (a
 * bucket is the same object in the old and the new map).
 */
final class ConfiguredBuckets {

    /** The sweep copies the map once it had at least this many keys ... */
    static final int SHRINK_FROM_KEYS = 8_192;
    /** ... and no more than this many are left (a copy short enough to hold up no one). */
    static final int SHRINK_TO_KEYS = 1_024;

    private volatile ConcurrentHashMap<String, ConfiguredBucket> byKey = new ConcurrentHashMap<>();
    /** Read: creating or dropping buckets. Write: replacing {@link #byKey}. */
    private final StampedLock table = new StampedLock();
    /**
     * The most keys held since the map was last replaced. Raised by whoever adds a key, with a plain
     * compare: two adders racing may leave it a key or two short of the true peak, which changes no
     * shrink decision worth having.
     */
    private volatile int peakKeys;
    private int replacements;
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
        long stamp = table.readLock();
        try {
            bucket = byKey.computeIfAbsent(ref.key(),
                    k -> created[0] = new ConfiguredBucket(k, group, ref.limit(), now, shared));
            if (created[0] != null) {
                int keys = byKey.size();
                if (keys > peakKeys) {
                    peakKeys = keys;
                }
            }
        } finally {
            table.unlockRead(stamp);
        }
        if (created[0] == null) {
            group.keys.decrementAndGet(); // another request created it first
        }
        return bucket;
    }

    /** Drops idle buckets of every group: nothing in their window, nothing reserved, nobody waiting. */
    void evictIdle(long now) {
        long stamp = table.readLock();
        try {
            for (ConfiguredBucket bucket : byKey.values()) {
                dropIfIdle(bucket, now);
            }
        } finally {
            table.unlockRead(stamp);
        }
        shrinkIfMostlyGone();
    }

    /** Replaces the map by a copy of its few live keys when it once held many, giving its table back. */
    private void shrinkIfMostlyGone() {
        if (peakKeys < SHRINK_FROM_KEYS || byKey.size() > SHRINK_TO_KEYS) {
            return;
        }
        long stamp = table.writeLock();
        try {
            byKey = new ConcurrentHashMap<>(byKey);
            peakKeys = byKey.size();
            replacements++;
        } finally {
            table.unlockWrite(stamp);
        }
    }

    /** How often the map was replaced by a smaller copy (for tests). */
    int replacements() {
        return replacements;
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
            long stamp = table.readLock();
            try {
                for (ConfiguredBucket bucket : byKey.values()) {
                    if (bucket.group == group && !dropIfIdle(bucket, now)) {
                        nextIdle = Math.min(nextIdle, bucket.idleFromNanos());
                    }
                }
            } finally {
                table.unlockRead(stamp);
            }
            group.nextScanNanos = nextIdle == Long.MAX_VALUE ? now : nextIdle;
            return true;
        }
    }

    /** Call with {@link #table}'s read lock held. */
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
