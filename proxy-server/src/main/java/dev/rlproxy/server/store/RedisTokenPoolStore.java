package dev.rlproxy.server.store;

import dev.rlproxy.core.store.TokenPoolStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Token pools in Redis: one hash per pool (hash-tagged by the pool's name), one field per token
 * fingerprint holding its state as JSON; never a token value. One script call per sync carries a
 * replica's observations and reads back every token. The merging is
 * {@link dev.rlproxy.core.store.InMemoryTokenPoolStore}'s (one contract suite tests both); times are
 * Redis {@code TIME}. A pool nobody syncs for {@code idleTtlMillis} vanishes.
 */
public final class RedisTokenPoolStore implements TokenPoolStore {

    static final String PREFIX = "rlproxy:tp:";
    public static final long DEFAULT_IDLE_TTL_MILLIS = 86_400_000L;

    private final RedisGateway gateway;
    private final RedisScript reconcile = RedisScript.fromResource("token-pool-reconcile");
    private final RedisScript sync = RedisScript.fromResource("token-pool-sync");
    private final long idleTtlMillis;

    public RedisTokenPoolStore(RedisGateway gateway, long idleTtlMillis) {
        this.gateway = gateway;
        this.idleTtlMillis = idleTtlMillis;
    }

    public RedisTokenPoolStore(RedisGateway gateway) {
        this(gateway, DEFAULT_IDLE_TTL_MILLIS);
    }

    @Override
    public CompletableFuture<Void> reconcile(String pool, Set<String> fingerprints) {
        List<String> args = new ArrayList<>(fingerprints.size() + 1);
        args.add(Long.toString(idleTtlMillis));
        args.addAll(fingerprints);
        return gateway.eval(reconcile, List.of(key(pool)), args).thenApply(deleted -> null);
    }

    @Override
    public CompletableFuture<Map<String, SharedTokenState>> sync(String pool, String replica, List<TokenReport> reports,
                                                                 Map<String, Integer> inFlight, TokenTiming timing) {
        List<String> args = new ArrayList<>();
        args.add(replica);
        args.add(Long.toString(timing.graceMillis()));
        args.add(Long.toString(timing.staleReplicaMillis()));
        args.add(Long.toString(idleTtlMillis));
        args.add(Integer.toString(reports.size()));
        for (TokenReport r : reports) {
            args.add(r.fingerprint());
            args.add(Long.toString(r.limit()));
            args.add(Long.toString(r.remaining()));
            args.add(Long.toString(r.resetAtMillis()));
            args.add(Long.toString(r.spentUntilMillis()));
        }
        args.add(Integer.toString(inFlight.size()));
        inFlight.forEach((fingerprint, requests) -> {
            args.add(fingerprint);
            args.add(Integer.toString(requests));
        });
        return gateway.eval(sync, List.of(key(pool)), args).thenApply(RedisTokenPoolStore::view);
    }

    /** The pool's key; its name is the hash tag (braces inside would split it, so they go). */
    static String key(String pool) {
        return PREFIX + "{" + pool.replace('{', '(').replace('}', ')') + "}";
    }

    private static Map<String, SharedTokenState> view(Object reply) {
        List<?> values = (List<?>) reply;
        Map<String, SharedTokenState> view = new HashMap<>();
        for (int i = 0; i + 5 < values.size(); i += 6) {
            String fingerprint = (String) values.get(i);
            view.put(fingerprint, new SharedTokenState(fingerprint, number(values.get(i + 1)), number(values.get(i + 2)),
                    number(values.get(i + 3)), number(values.get(i + 4)), Math.toIntExact(number(values.get(i + 5)))));
        }
        return view;
    }

    private static long number(Object value) {
        return (Long) value;
    }
}
