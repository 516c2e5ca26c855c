package dev.rlproxy.server.store;

import dev.rlproxy.core.headers.RateLimitWindow;
import dev.rlproxy.core.store.LearnedWindowStore;
import dev.rlproxy.core.store.WindowGrant;
import dev.rlproxy.core.store.WindowSync;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Learned windows in Redis: one hash per learned bucket, one script call ({@code learned-window-sync})
 * per sync, which batches a replica's completions, reports and lease of that bucket. The accounting is
 * {@link dev.rlproxy.core.store.InMemoryLearnedWindowStore}'s (one contract suite tests both); times are
 * Redis {@code TIME}, so replicas' clocks do not matter. Keys hold scopes (upstream and token
 * fingerprint) and route or bucket ids, never a token, and are hash-tagged per bucket for Cluster.
 */
public final class RedisLearnedWindowStore implements LearnedWindowStore {

    /** Key prefix; the bucket's key is the hash tag. */
    static final String PREFIX = "rlproxy:lw:";
    /** A replica silent this long died: what it held no longer counts. */
    public static final long DEFAULT_STALE_REPLICA_MILLIS = 30_000;
    /** A bucket nobody synced this long after its last reset vanishes. */
    public static final long DEFAULT_IDLE_TTL_MILLIS = 600_000;

    private final RedisGateway gateway;
    private final RedisScript script = RedisScript.fromResource("learned-window-sync");
    private final long staleReplicaMillis;
    private final long idleTtlMillis;

    public RedisLearnedWindowStore(RedisGateway gateway, long staleReplicaMillis, long idleTtlMillis) {
        this.gateway = gateway;
        this.staleReplicaMillis = staleReplicaMillis;
        this.idleTtlMillis = idleTtlMillis;
    }

    /** A store with the default staleness and idle expiry. */
    public RedisLearnedWindowStore(RedisGateway gateway) {
        this(gateway, DEFAULT_STALE_REPLICA_MILLIS, DEFAULT_IDLE_TTL_MILLIS);
    }

    @Override
    public CompletableFuture<WindowGrant> sync(WindowSync sync) {
        List<String> args = new ArrayList<>(13 + 4 * sync.reports().size());
        WindowSync.AssumedWindow assumed = sync.assumed();
        args.add(sync.replica());
        args.add(Integer.toString(sync.want()));
        args.add(Long.toString(sync.outstanding()));
        args.add(Integer.toString(sync.returned()));
        args.add(Long.toString(sync.retryAfterMillis()));
        args.add(Long.toString(assumed == null ? -1 : assumed.limit()));
        args.add(Long.toString(assumed == null ? 0 : assumed.periodMillis()));
        args.add(Long.toString(sync.timing().resetMarginMillis()));
        args.add(Long.toString(sync.timing().maxResetWaitMillis()));
        args.add(Long.toString(staleReplicaMillis));
        args.add(Long.toString(idleTtlMillis));
        args.add(Integer.toString(sync.reports().size()));
        for (RateLimitWindow w : sync.reports()) {
            args.add(w.name());
            args.add(Long.toString(w.limit()));
            args.add(Long.toString(w.remaining()));
            args.add(Long.toString(w.resetAtEpochMillis()));
        }
        args.add(sync.boundTo() == null ? "" : sync.boundTo());
        return gateway.eval(script, List.of(key(sync.key())), args).thenApply(RedisLearnedWindowStore::grant);
    }

    @Override
    public boolean isAvailable() {
        return gateway.isAvailable();
    }

    @Override
    public void onAvailabilityChange(Consumer<Boolean> listener) {
        gateway.onAvailabilityChange(listener);
    }

    /** The bucket's key, its name as the hash tag (braces inside it would split the tag, so they go). */
    static String key(String bucket) {
        return PREFIX + "{" + bucket.replace('{', '(').replace('}', ')') + "}";
    }

    private static WindowGrant grant(Object reply) {
        List<?> values = (List<?>) reply;
        String boundTo = values.size() > 3 ? values.get(3).toString() : "";
        return new WindowGrant(Math.toIntExact((Long) values.get(0)), (Long) values.get(1), (Long) values.get(2) == 1L,
                boundTo.isEmpty() ? null : boundTo);
    }
}
