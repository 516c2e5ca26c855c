package dev.rlproxy.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rlproxy.core.store.LearnedWindowStore;
import dev.rlproxy.core.store.LearnedWindowStoreContract;
import dev.rlproxy.core.store.WindowSync;
import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

/** The learned-window contract against a real redis-server, plus what only Redis has: keys and TTLs. */
class RedisLearnedWindowStoreTest extends LearnedWindowStoreContract {

    private static RedisServerProcess redis;
    private static RedisGateway gateway;
    private static RedisLearnedWindowStore store;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServerProcess.start();
        gateway = gateway(redis);
        store = new RedisLearnedWindowStore(gateway, STALE_MILLIS, 60_000);
    }

    /** A gateway to {@code redis} with short timeouts, its probes on a manual scheduler. */
    static RedisGateway gateway(RedisServerProcess redis) {
        RedisClient client = RedisClient.builder()
                .hostAndPort(new HostAndPort(redis.host(), redis.port()))
                .clientConfig(DefaultJedisClientConfig.builder().socketTimeoutMillis(500).connectionTimeoutMillis(500).build())
                .build();
        ManualClock clock = new ManualClock();
        return new RedisGateway(client, redis.uri(), new ManualScheduler(clock), 2, 1_000, Duration.ofSeconds(1).toNanos());
    }

    @AfterAll
    static void stopRedis() {
        gateway.close();
        redis.close();
    }

    @BeforeEach
    void emptyRedis() {
        gateway.call("flushall", j -> j.flushAll()).join();
    }

    @Override
    protected LearnedWindowStore store() {
        return store;
    }

    @Override
    protected long nowMillis() {
        return System.currentTimeMillis();
    }

    @Override
    protected void passTime(long millis) {
        long until = System.currentTimeMillis() + millis;
        await().atMost(Duration.ofMillis(millis + 5_000)).pollInterval(Duration.ofMillis(20))
                .until(() -> System.currentTimeMillis() >= until);
    }

    @Test
    void oneHashTaggedKeyPerBucketWithATtlAndNoTokenInIt() {
        store.sync(new WindowSync("github|sha256:1a2b3c4d/route:GET /{x}", "r1", 1, 0, 0,
                List.of(), -1, null, new WindowSync.WindowTiming(0, 60_000))).join();
        var keys = gateway.call("keys", j -> j.keys("*")).join();
        assertThat(keys).containsExactly("rlproxy:lw:{github|sha256:1a2b3c4d/route:GET /(x)}");
        long ttl = gateway.call("pttl", j -> j.pttl(keys.iterator().next())).join();
        assertThat(ttl).isBetween(1L, 60_000L);
    }
}
