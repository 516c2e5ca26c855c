package dev.rlproxy.server.store;

import static org.awaitility.Awaitility.await;

import dev.rlproxy.core.store.StoreTime;
import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import dev.rlproxy.core.time.Scheduler;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

/**
 * A real redis-server and a gateway to it for the store contract suites, as a JUnit extension
 * ({@code @RegisterExtension static}): started once per class, emptied before each test.
 */
final class RedisStoreFixture implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

    /** Redis keeps time by the machine's clock ({@code TIME}); letting it pass means waiting for it. */
    static final StoreTime REDIS_TIME = new StoreTime() {
        @Override
        public long nowMillis() {
            return System.currentTimeMillis();
        }

        @Override
        public void passTime(long millis) {
            long until = System.currentTimeMillis() + millis;
            await().atMost(Duration.ofMillis(millis + 5_000)).pollInterval(Duration.ofMillis(20))
                    .until(() -> System.currentTimeMillis() >= until);
        }
    };

    private RedisServerProcess redis;
    private RedisGateway gateway;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        redis = RedisServerProcess.start();
        gateway = gateway(redis, new ManualScheduler(new ManualClock()), 500, Duration.ofSeconds(1));
    }

    /** Empties Redis: each contract test starts from nothing. */
    @Override
    public void beforeEach(ExtensionContext context) {
        gateway.call("flushall", j -> j.flushAll()).join();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        gateway.close();
        redis.close();
    }

    RedisGateway gateway() {
        return gateway;
    }

    /** A gateway to {@code redis} with {@code timeoutMillis} to connect and answer, probing on {@code scheduler}. */
    static RedisGateway gateway(RedisServerProcess redis, Scheduler scheduler, int timeoutMillis, Duration probeInterval) {
        RedisClient client = RedisClient.builder()
                .hostAndPort(new HostAndPort(redis.host(), redis.port()))
                .clientConfig(DefaultJedisClientConfig.builder().socketTimeoutMillis(timeoutMillis)
                        .connectionTimeoutMillis(timeoutMillis).build())
                .build();
        return new RedisGateway(client, redis.uri(), scheduler, 2, 1_000, probeInterval.toNanos());
    }
}
