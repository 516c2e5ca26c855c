package dev.rlproxy.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rlproxy.core.config.RedisConfig;
import dev.rlproxy.core.metrics.StoreMetrics;
import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisDataException;

class RedisGatewayTest {

    private static final long PROBE_NANOS = Duration.ofSeconds(1).toNanos();

    private final ManualClock clock = new ManualClock();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private RedisServerProcess redis;
    private RedisGateway gateway;

    @BeforeEach
    void start() throws Exception {
        redis = RedisServerProcess.start();
        RedisClient client = RedisClient.builder()
                .hostAndPort(new HostAndPort(redis.host(), redis.port()))
                .clientConfig(DefaultJedisClientConfig.builder().socketTimeoutMillis(300).connectionTimeoutMillis(300).build())
                .build();
        gateway = new RedisGateway(client, redis.uri(), scheduler, 2, 100, PROBE_NANOS);
    }

    @AfterEach
    void stop() {
        gateway.close();
        redis.close();
    }

    @Test
    void runsCallsAndScriptsOffTheCallerThreadAndReloadsAForgottenScript() throws Exception {
        String caller = Thread.currentThread().getName();
        assertThat(gateway.call("thread", j -> Thread.currentThread().getName()).get()).isNotEqualTo(caller)
                .startsWith("rlproxy-redis-");

        RedisScript script = RedisScript.fromResource("test-echo-keys");
        assertThat(gateway.eval(script, List.of("a", "b"), List.of("x")).get()).isEqualTo(List.of(2L, "x"));
        gateway.call("flush", j -> j.scriptFlush()).get();
        assertThat(gateway.eval(script, List.of("a"), List.of("y")).get())
                .as("NOSCRIPT after SCRIPT FLUSH: loaded again and answered").isEqualTo(List.of(1L, "y"));
        assertThat(gateway.roundTrips()).isGreaterThanOrEqualTo(4);
    }

    @Test
    void anErrorReplyFailsThatCallOnlyAndKeepsTheStoreAvailable() {
        assertThatThrownBy(() -> gateway.call("bad", j -> j.eval("return redis.call('INCR', 'no', 'such')")).get())
                .hasCauseInstanceOf(JedisDataException.class);
        assertThat(gateway.isAvailable()).isTrue();
        assertThat(gateway.failures()).isEqualTo(1);
    }

    @Test
    void aRefusedPasswordIsAnOutageAndAClientThatCannotBeBuiltIsTriedAgainByTheProbe() throws Exception {
        try (RedisServerProcess locked = RedisServerProcess.withArgs(List.of("--requirepass", "right-s3cret"))) {
            RedisConfig wrong = new RedisConfig("redis://:wrong-s3cret@127.0.0.1:" + locked.port(), null, 1);
            RedisGateway wrongPassword = new RedisGateway(() -> RedisClients.create(wrong), wrong.redactedUri(),
                    scheduler, 1, 10, PROBE_NANOS, StoreMetrics.NONE);
            assertThatThrownBy(() -> wrongPassword.call("ping", j -> j.ping()).get())
                    .hasCauseInstanceOf(StoreUnavailableException.class)
                    .satisfies(e -> assertThat(e.getCause().getMessage()).contains("refused it (WRONGPASS)")
                            .doesNotContain("s3cret"));
            assertThat(wrongPassword.isAvailable()).isFalse();
            wrongPassword.close();
        }
        int[] attempts = {0};
        try (RedisGateway late = new RedisGateway(() -> {
            if (++attempts[0] == 1) {
                throw new IllegalStateException("no sentinel answers yet");
            }
            return RedisClient.create(redis.host(), redis.port());
        }, redis.uri(), scheduler, 1, 10, PROBE_NANOS, StoreMetrics.NONE)) {
            assertThatThrownBy(() -> late.call("ping", j -> j.ping()).get())
                    .hasCauseInstanceOf(StoreUnavailableException.class);
            scheduler.advanceNanos(PROBE_NANOS);
            await().atMost(Duration.ofSeconds(10)).until(late::isAvailable);
            assertThat(late.call("ping", j -> j.ping()).get()).isEqualTo("PONG");
            assertThat(attempts[0]).isEqualTo(2);
        }
    }

    @Test
    void aDeadRedisFailsFastUntilAProbeFindsItBack() throws Exception {
        List<Boolean> changes = new CopyOnWriteArrayList<>();
        gateway.onAvailabilityChange(changes::add);
        redis.kill();

        assertThatThrownBy(() -> gateway.call("ping", j -> j.ping()).get())
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(StoreUnavailableException.class);
        assertThat(gateway.isAvailable()).isFalse();
        assertThat(changes).containsExactly(false);

        long tripsWhileDown = gateway.roundTrips();
        assertThatThrownBy(() -> gateway.call("ping", j -> j.ping()).get())
                .hasCauseInstanceOf(StoreUnavailableException.class);
        assertThat(gateway.roundTrips()).as("no call is sent while the circuit is open").isEqualTo(tripsWhileDown);

        scheduler.advanceNanos(PROBE_NANOS); // a probe while still down fails and schedules the next
        await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.pending() == 1);
        assertThat(gateway.isAvailable()).isFalse();

        redis.restart();
        scheduler.advanceNanos(PROBE_NANOS);
        await().atMost(Duration.ofSeconds(10)).until(gateway::isAvailable);
        assertThat(changes).containsExactly(false, true);
        assertThat(gateway.call("ping", j -> j.ping()).get()).isEqualTo("PONG");
    }
}
