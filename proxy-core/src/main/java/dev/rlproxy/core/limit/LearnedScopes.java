package dev.rlproxy.core.limit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/** The learned scopes by name, created on first use and dropped once nothing in them is in use. */
final class LearnedScopes {

    /** Learned state unused this long (and with no pending deadline) is forgotten. */
    static final long IDLE_NANOS = 10L * 60 * 1_000_000_000L;

    private final ConcurrentHashMap<String, LearnedScope> byName = new ConcurrentHashMap<>();
    /** Null when windows are only local. */
    private final SharedWindows sharing;

    /** @param sharing shares learned windows with other replicas; null for local windows only */
    LearnedScopes(SharedWindows sharing) {
        this.sharing = sharing;
    }

    LearnedScope get(String name, long now) {
        LearnedScope scope = byName.get(name);
        return scope != null ? scope : byName.computeIfAbsent(name, n -> new LearnedScope(n, now, sharing));
    }

    void evictIdle(long now) {
        byName.forEach((name, scope) -> {
            if (scope.evictIdle(now, IDLE_NANOS)) {
                byName.remove(name, scope);
            }
        });
    }

    /**
     * The reported windows of the scopes whose name starts with {@code scopePrefix}: how many buckets
     * (heard from or not), and the {@code top} windows with the least left of their limit.
     */
    Busiest<LearnedUsage> usage(String scopePrefix, int top, long now) {
        TopN<LearnedUsage> lowest = new TopN<>(top, Comparator
                .comparingDouble(LearnedScopes::shareLeft)
                .thenComparing(LearnedUsage::scope).thenComparing(LearnedUsage::bucket)
                .thenComparing(LearnedUsage::window));
        byName.forEach((name, scope) -> {
            if (name.startsWith(scopePrefix)) {
                scope.usage(name, now, lowest);
            }
        });
        return lowest.result();
    }

    /** Remaining as a share of the limit; an unknown limit sorts by remaining alone. */
    private static double shareLeft(LearnedUsage u) {
        return u.limit() > 0 ? (double) u.remaining() / u.limit() : u.remaining();
    }

    /** Every bucket whose windows are shared (route and named buckets of every scope). */
    Bucket[] sharedBuckets() {
        List<Bucket> all = new ArrayList<>();
        byName.forEach((name, scope) -> scope.collectShared(all));
        return all.toArray(new Bucket[0]);
    }

    int size() {
        return byName.size();
    }
}
