package dev.rlproxy.core.limit;

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

    int size() {
        return byName.size();
    }
}
