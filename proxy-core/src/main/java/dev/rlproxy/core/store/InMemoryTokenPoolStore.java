package dev.rlproxy.core.store;

import dev.rlproxy.core.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link TokenPoolStore} merging rules in this process: the reference the Redis script is
 * tested against, and a way for pools in one JVM to share. Times are the clock's wall milliseconds.
 */
public final class InMemoryTokenPoolStore implements TokenPoolStore {

    /** Resets within this of each other are the same window (resets are rounded to seconds). */
    static final long SAME_WINDOW_MILLIS = 1_000;

    private final Clock clock;
    private final Map<String, Map<String, Token>> pools = new ConcurrentHashMap<>();

    public InMemoryTokenPoolStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public CompletableFuture<Void> reconcile(String pool, Set<String> fingerprints) {
        Map<String, Token> tokens = pools.computeIfAbsent(pool, p -> new HashMap<>());
        synchronized (tokens) {
            tokens.keySet().retainAll(fingerprints);
            fingerprints.forEach(fp -> tokens.computeIfAbsent(fp, f -> new Token()));
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Map<String, SharedTokenState>> sync(String pool, String replica, List<TokenReport> reports,
                                                                 Map<String, Integer> inFlight, TokenTiming timing) {
        long now = clock.wallMillis();
        Map<String, Token> tokens = pools.computeIfAbsent(pool, p -> new HashMap<>());
        Map<String, SharedTokenState> view = new HashMap<>();
        synchronized (tokens) {
            for (TokenReport report : reports) {
                Token token = tokens.get(report.fingerprint());
                if (token != null) {
                    token.apply(report);
                }
            }
            tokens.forEach((fp, token) -> {
                token.inFlight.values().removeIf(seen -> now - seen[1] > timing.staleReplicaMillis());
                token.inFlight.put(replica, new long[] {inFlight.getOrDefault(fp, 0), now});
                token.refresh(now, timing.graceMillis());
                view.put(fp, token.view(fp, replica));
            });
        }
        return CompletableFuture.completedFuture(view);
    }

    private static final class Token {
        long limit = -1;
        long remaining = -1;
        long resetAt = -1;
        long spentUntil = -1;
        final Map<String, long[]> inFlight = new HashMap<>(); // replica -> {requests, lastSeenMillis}

        void apply(TokenReport r) {
            if (r.remaining() >= 0) {
                boolean newWindow = r.resetAtMillis() >= 0 && (resetAt < 0 || r.resetAtMillis() - resetAt > SAME_WINDOW_MILLIS);
                boolean newLimit = r.limit() > 0 && r.limit() != limit;
                remaining = newWindow || newLimit || remaining < 0 ? r.remaining() : Math.min(remaining, r.remaining());
                if (r.resetAtMillis() >= 0 && (newWindow || resetAt < 0)) {
                    resetAt = r.resetAtMillis();
                }
            }
            if (r.limit() > 0) {
                limit = r.limit();
            }
            spentUntil = Math.max(spentUntil, r.spentUntilMillis());
        }

        /** A reset (plus grace) that passed restores the quota; a spent mark that passed goes. */
        void refresh(long now, long grace) {
            if (resetAt >= 0 && now >= resetAt + grace) {
                remaining = limit;
                resetAt = -1;
            }
            if (spentUntil >= 0 && now >= spentUntil) {
                spentUntil = -1;
            }
        }

        SharedTokenState view(String fingerprint, String replica) {
            long elsewhere = 0;
            for (Map.Entry<String, long[]> e : inFlight.entrySet()) {
                if (!e.getKey().equals(replica)) {
                    elsewhere += e.getValue()[0];
                }
            }
            return new SharedTokenState(fingerprint, limit, remaining, resetAt, spentUntil, (int) elsewhere);
        }
    }
}
