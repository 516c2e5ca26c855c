package dev.rlproxy.server.store;

import dev.rlproxy.core.config.HostPort;
import dev.rlproxy.core.config.RedisConfig;
import dev.rlproxy.core.config.RedisSentinelConfig;
import dev.rlproxy.core.config.RedisUri;
import dev.rlproxy.server.tls.RedisTrust;
import dev.rlproxy.server.tls.RedisTrust.ClientTls;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * Builds the Jedis client {@code store.redis} asks for: {@link RedisClient} for {@code redis://} and
 * {@code rediss://}, {@link RedisSentinelClient} for {@code redis-sentinel://}, {@link RedisClusterClient}
 * for {@code redis-cluster://}. TLS ({@code rediss…}) is set up by {@link RedisTrust} from
 * {@code store.redis.tls}, for the data nodes and the sentinels alike. Every socket read and
 * connect is bounded by {@code timeout} and {@code connectTimeout}, so a slow Redis costs a store
 * thread at most that long and never a request its deadline.
 *
 * <p>Sentinel and Cluster clients talk to their nodes while they are built: call {@link #create} on
 * a store thread ({@link RedisGateway} does, through its lazy constructor), never on an event loop.
 */
public final class RedisClients {

    static final String CLIENT_NAME = "rlproxy";
    /** A cluster call may follow a MOVED or ASK redirect once more; more would only add waiting. */
    static final int CLUSTER_MAX_ATTEMPTS = 2;

    private RedisClients() {
    }

    /** The client for {@code config}; it connects on first use (Sentinel and Cluster: now). */
    public static UnifiedJedis create(RedisConfig config) {
        return connector(config).get();
    }

    /**
     * Reads the TLS files now, so a bad one stops the proxy at start, and builds the client when
     * asked (a store thread, lazily: see {@link RedisGateway}).
     *
     * @throws dev.rlproxy.server.tls.TlsFileException naming an unreadable CA, certificate or key file
     */
    public static Supplier<UnifiedJedis> connector(RedisConfig config) {
        RedisUri uri = config.parsedUri();
        ClientTls tls = uri.tls() ? RedisTrust.client(config.tls()) : null;
        return () -> create(config, uri, tls);
    }

    private static UnifiedJedis create(RedisConfig config, RedisUri uri, ClientTls tls) {
        return switch (uri.form()) {
            case STANDALONE -> RedisClient.builder()
                    .hostAndPort(address(uri.nodes().get(0)))
                    .clientConfig(dataNodes(config, uri, tls))
                    .poolConfig(pool(config))
                    .build();
            case SENTINEL -> RedisSentinelClient.builder()
                    .masterName(uri.master())
                    .sentinels(addresses(uri.nodes()))
                    .clientConfig(dataNodes(config, uri, tls))
                    .sentinelClientConfig(sentinels(config, tls))
                    .poolConfig(pool(config))
                    .build();
            case CLUSTER -> RedisClusterClient.builder()
                    .nodes(addresses(uri.nodes()))
                    .clientConfig(dataNodes(config, uri, tls))
                    .poolConfig(pool(config))
                    .maxAttempts(CLUSTER_MAX_ATTEMPTS)
                    .maxTotalRetriesDuration(config.timeout().multipliedBy(CLUSTER_MAX_ATTEMPTS))
                    .build();
        };
    }

    /**
     * The data nodes: the uri's credentials, database, TLS and both timeouts.
     *
     * @param tls null for plain connections
     */
    static JedisClientConfig dataNodes(RedisConfig config, RedisUri uri, ClientTls tls) {
        DefaultJedisClientConfig.Builder builder = common(config, tls).database(uri.database());
        if (uri.password() != null) {
            builder.user(uri.user()).password(uri.password());
        }
        return builder.build();
    }

    /**
     * Sentinels are asked with their own credentials ({@code store.redis.sentinel}), never the
     * data nodes' (they rarely share them), in the RESP2 that Sentinel's listener uses
     * (negotiating would only log a warning).
     */
    static JedisClientConfig sentinels(RedisConfig config, ClientTls tls) {
        DefaultJedisClientConfig.Builder builder = common(config, tls).autoNegotiateProtocol(false);
        RedisSentinelConfig sentinel = config.sentinel();
        if (sentinel != null) {
            builder.user(sentinel.user()).password(sentinel.password());
        }
        return builder.build();
    }

    private static DefaultJedisClientConfig.Builder common(RedisConfig config, ClientTls tls) {
        DefaultJedisClientConfig.Builder builder = DefaultJedisClientConfig.builder()
                .clientName(CLIENT_NAME)
                .socketTimeoutMillis(millis(config.timeout()))
                .connectionTimeoutMillis(millis(config.connectTimeout()));
        if (tls != null) {
            builder.ssl(true).sslSocketFactory(tls.socketFactory()).sslParameters(tls.parameters());
        }
        return builder;
    }

    /**
     * One connection per store thread and one for the probe: a thread never waits for a
     * connection longer than a Redis answer may take.
     */
    private static GenericObjectPoolConfig<Connection> pool(RedisConfig config) {
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(config.threads() + 1);
        pool.setMaxIdle(config.threads() + 1);
        pool.setMaxWait(config.timeout());
        pool.setJmxEnabled(false);
        return pool;
    }

    private static Set<HostAndPort> addresses(Iterable<HostPort> nodes) {
        Set<HostAndPort> addresses = new LinkedHashSet<>();
        nodes.forEach(node -> addresses.add(address(node)));
        return addresses;
    }

    private static HostAndPort address(HostPort node) {
        return new HostAndPort(node.host(), node.port());
    }

    private static int millis(Duration duration) {
        return (int) Math.min(Integer.MAX_VALUE, duration.toMillis());
    }
}
