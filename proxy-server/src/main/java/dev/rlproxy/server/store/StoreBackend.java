package dev.rlproxy.server.store;

import dev.rlproxy.core.config.FailureMode;
import dev.rlproxy.core.config.RedisConfig;
import dev.rlproxy.core.config.StoreConfig;
import dev.rlproxy.core.config.StoreType;
import dev.rlproxy.core.metrics.StoreMetrics;
import dev.rlproxy.core.limit.LearnedWindowSharing;
import dev.rlproxy.core.store.SharedBuckets;
import dev.rlproxy.core.time.Clock;
import dev.rlproxy.core.time.Scheduler;
import dev.rlproxy.core.tokens.CredentialStore;
import dev.rlproxy.core.tokens.TokenPoolSharing;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * Where the proxy's shared state lives, as {@code store} configures it: in this process
 * ({@code memory}) or in Redis through one {@link RedisGateway}. It hands each part of the proxy
 * its way to share with the other replicas: configured buckets' leases ({@link #sharedBuckets()}),
 * learned windows ({@link #learnedWindows()}), token pools ({@link #tokenPools()}), generated
 * credentials ({@link #credentials()}) and quota counts ({@link #redis()}); with the in-memory
 * store each part keeps its state alone.
 *
 * <p>While Redis answers, a {@code PING} every {@code probeInterval} checks that it still does.
 *
 * <p><b>Redis unreachable at start.</b> The proxy starts anyway, in the configured failure mode,
 * and logs it: replicas must survive a Redis restart, so they must also survive starting during
 * one. The gateway's probe finds Redis when it comes back. With {@code fail-closed} the replica is
 * not ready while Redis is unreachable ({@link #notReadyReason()}); with {@code local-share} it is
 * ready, degraded.
 */
public final class StoreBackend implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StoreBackend.class);
    /** Redis calls that may wait for a store thread; beyond that a call fails fast (store unavailable). */
    static final int MAX_QUEUED_CALLS = 1024;

    private final StoreConfig config;
    private final RedisGateway gateway;
    private final CredentialStore credentials;
    private final Scheduler scheduler;
    /** This process among the replicas (its in-flight counts and leases in Redis are its own). */
    private final String replicaId = UUID.randomUUID().toString();
    private volatile Scheduler.Cancellable heartbeat;
    private volatile boolean closed;

    private StoreBackend(StoreConfig config, RedisGateway gateway, CredentialStore credentials, Scheduler scheduler) {
        this.config = config;
        this.gateway = gateway;
        this.credentials = credentials;
        this.scheduler = scheduler;
    }

    /** The single-process store: nothing shared, nothing to reach. */
    public static StoreBackend memory(Clock clock) {
        return new StoreBackend(StoreConfig.defaults(), null, CredentialStore.inMemory(clock), null);
    }

    /**
     * The store {@code config} names. For Redis: builds the gateway and asks Redis once, waiting at
     * most about a connect and a command timeout per node, to log whether it answers. Blocking:
     * call it at start, not on an event loop.
     *
     * @param scheduler runs the gateway's availability probe
     * @throws dev.rlproxy.server.tls.TlsFileException when a {@code store.redis.tls} file cannot be used
     */
    public static StoreBackend open(StoreConfig config, Clock clock, Scheduler scheduler, StoreMetrics metrics) {
        if (config.type() == StoreType.MEMORY) {
            return memory(clock);
        }
        RedisConfig redis = config.redis();
        RedisGateway gateway = new RedisGateway(RedisClients.connector(redis), redis.redactedUri(), scheduler,
                redis.threads(), MAX_QUEUED_CALLS, redis.probeInterval().toNanos(), metrics);
        StoreBackend backend = new StoreBackend(config, gateway, new RedisCredentialStore(gateway), scheduler);
        backend.checkAtStart();
        backend.scheduleHeartbeat();
        return backend;
    }

    /**
     * A {@code PING} every probe interval while Redis answers, so an outage is noticed (and
     * readiness and the failure mode follow) even when no request needs Redis. While it is
     * unavailable the gateway's own probe asks instead.
     */
    private void scheduleHeartbeat() {
        if (!closed) {
            heartbeat = scheduler.schedule(() -> {
                if (gateway.isAvailable()) {
                    gateway.call("PING", UnifiedJedis::ping);
                }
                scheduleHeartbeat();
            }, config.redis().probeInterval().toNanos());
        }
    }

    private void checkAtStart() {
        RedisConfig redis = config.redis();
        Duration wait = redis.connectTimeout().plus(redis.timeout())
                .multipliedBy(redis.parsedUri().nodes().size() + 1L);
        try {
            gateway.call("PING", UnifiedJedis::ping).get(wait.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("store: Redis at {} answers", gateway.description());
        } catch (ExecutionException | TimeoutException e) {
            String why = e instanceof ExecutionException ? " (" + e.getCause().getMessage() + ")" : "";
            LOG.warn("store: Redis at {} does not answer at start{}; running in failure mode {} until it does "
                    + "(probing every {} ms)", gateway.description(), why, failureModeName(),
                    redis.probeInterval().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public StoreType type() {
        return config.type();
    }

    /** The Redis gateway, for the Redis-backed parts; empty with the in-memory store. */
    public Optional<RedisGateway> redis() {
        return Optional.ofNullable(gateway);
    }

    /** The Redis settings in force (defaults with the in-memory store). */
    public RedisConfig redisConfig() {
        return config.redis();
    }

    /**
     * How configured buckets share their capacity with other replicas: leases in Redis, under
     * {@code store.redis.onFailure}; null with the in-memory store.
     */
    public SharedBuckets sharedBuckets() {
        RedisConfig redis = config.redis();
        return gateway == null ? null : new SharedBuckets(
                new RedisBucketLeases(gateway, RedisBucketLeases.DEFAULT_VALIDITY), redis.onFailure(),
                redis.expectedReplicas());
    }

    /**
     * How learned windows are shared with other replicas, under {@code store.redis.onFailure}; null
     * with the in-memory store.
     */
    public LearnedWindowSharing learnedWindows() {
        RedisConfig redis = config.redis();
        return gateway == null ? null : LearnedWindowSharing.via(new RedisLearnedWindowStore(gateway), replicaId,
                redis.onFailure(), redis.expectedReplicas());
    }

    /** How token pools share their tokens' state with other replicas; null with the in-memory store. */
    public TokenPoolSharing tokenPools() {
        return gateway == null ? null : TokenPoolSharing.via(new RedisTokenPoolStore(gateway), replicaId);
    }

    /** Where generated tokens are shared. */
    public CredentialStore credentials() {
        return credentials;
    }

    /** Whether the store can be asked now; the in-memory store always can. */
    public boolean available() {
        return gateway == null || gateway.isAvailable();
    }

    /** Whether replicas are running without the shared store, in {@code store.redis.onFailure}'s mode. */
    public boolean failureModeActive() {
        return !available();
    }

    /** Why this replica should get no traffic because of its store: only fail-closed while Redis is unreachable. */
    public Optional<String> notReadyReason() {
        if (failureModeActive() && config.redis().onFailure() == FailureMode.FAIL_CLOSED) {
            return Optional.of("store: Redis at " + gateway.description() + " is unavailable (onFailure: fail-closed)");
        }
        return Optional.empty();
    }

    /** What /status shows of the store. Never a password. */
    public Status status() {
        if (gateway == null) {
            return new Status("memory", null, true, false, null, 0, 0);
        }
        return new Status("redis", gateway.description(), available(), failureModeActive(), failureModeName(),
                gateway.roundTrips(), gateway.failures());
    }

    /**
     * @param uri       the Redis uri without its password; {@code null} for memory
     * @param onFailure {@code local-share} or {@code fail-closed}; {@code null} for memory
     */
    public record Status(String type, String uri, boolean available, boolean failureModeActive, String onFailure,
                         long roundTrips, long failures) {
    }

    private String failureModeName() {
        return config.redis().onFailure() == FailureMode.FAIL_CLOSED ? "fail-closed" : "local-share";
    }

    @Override
    public void close() {
        closed = true;
        if (heartbeat != null) {
            heartbeat.cancel();
        }
        if (gateway != null) {
            gateway.close();
        }
    }
}
