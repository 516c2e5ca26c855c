package dev.rlproxy.server.store;

import dev.rlproxy.core.store.UsageDelta;
import dev.rlproxy.core.store.UsageStore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Quota usage totals in Redis, shared by every replica ({@code store.type: redis}). One flush is
 * one {@code EVALSHA} of {@code usage-add.lua}: {@code INCRBY} and {@code PEXPIREAT} (a while past
 * the period's end) for every counter, atomically, answering the new totals. Keys are
 * {@code {rlproxy:usage}:<counter>}: the hash tag keeps them in one slot of a cluster, which a
 * script needs; usage traffic is one call per replica per flush, so one slot carries it easily.
 */
public final class RedisUsageStore implements UsageStore {

    static final String KEY_PREFIX = "{rlproxy:usage}:";
    private static final RedisScript ADD = RedisScript.fromResource("usage-add");

    private final RedisGateway redis;

    public RedisUsageStore(RedisGateway redis) {
        this.redis = redis;
    }

    @Override
    public CompletableFuture<Map<String, Long>> add(List<UsageDelta> deltas) {
        List<String> keys = new ArrayList<>(deltas.size());
        List<String> args = new ArrayList<>(deltas.size() * 2);
        for (UsageDelta d : deltas) {
            keys.add(KEY_PREFIX + d.key());
            args.add(Long.toString(d.delta()));
            args.add(Long.toString(d.expireAtMillis()));
        }
        return redis.eval(ADD, keys, args).thenApply(reply -> {
            List<?> totals = (List<?>) reply;
            Map<String, Long> byKey = new HashMap<>();
            for (int i = 0; i < deltas.size(); i++) {
                byKey.put(deltas.get(i).key(), (Long) totals.get(i));
            }
            return byKey;
        });
    }
}
