package dev.rlproxy.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rlproxy.core.store.TokenPoolStore;
import dev.rlproxy.core.store.TokenPoolStoreContract;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The token-pool contract against a real redis-server, plus keys, TTLs and no token values. */
class RedisTokenPoolStoreTest extends TokenPoolStoreContract {

    private static RedisServerProcess redis;
    private static RedisGateway gateway;
    private static RedisTokenPoolStore store;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServerProcess.start();
        gateway = RedisLearnedWindowStoreTest.gateway(redis);
        store = new RedisTokenPoolStore(gateway, 60_000);
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
    protected TokenPoolStore store() {
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
    void onePoolIsOneHashTaggedKeyWithATtlHoldingFingerprintsOnly() {
        store.reconcile("git{hub}", Set.of("sha256:aaaaaaaa")).join();
        store.sync("git{hub}", "r1", List.of(), Map.of("sha256:aaaaaaaa", 1),
                new TokenPoolStore.TokenTiming(0, 30_000)).join();
        assertThat(gateway.call("keys", j -> j.keys("*")).join()).containsExactly("rlproxy:tp:{git(hub)}");
        assertThat(gateway.call("pttl", j -> j.pttl("rlproxy:tp:{git(hub)}")).join()).isBetween(1L, 60_000L);
        assertThat(gateway.call("hkeys", j -> j.hkeys("rlproxy:tp:{git(hub)}")).join()).containsExactly("sha256:aaaaaaaa");
    }
}
