package dev.rlproxy.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rlproxy.core.config.FailureMode;
import dev.rlproxy.core.config.RedisConfig;
import dev.rlproxy.core.config.StoreConfig;
import dev.rlproxy.core.config.StoreType;
import dev.rlproxy.core.metrics.StoreMetrics;
import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StoreBackendTest {

    private static final Duration PROBE = Duration.ofSeconds(1);

    private final ManualClock clock = new ManualClock();
    private final ManualScheduler scheduler = new ManualScheduler(clock);

    @Test
    void theMemoryStoreIsAlwaysAvailableAndSharesNothing() {
        try (StoreBackend memory = StoreBackend.open(StoreConfig.defaults(), clock, scheduler, StoreMetrics.NONE)) {
            assertThat(memory.type()).isEqualTo(StoreType.MEMORY);
            assertThat(memory.redis()).isEmpty();
            assertThat(memory.available()).isTrue();
            assertThat(memory.notReadyReason()).isEmpty();
            assertThat(memory.status()).isEqualTo(new StoreBackend.Status("memory", null, true, false, null, 0, 0));
        }
    }

    @Test
    void aReachableRedisIsAvailableAndItsStatusHidesThePassword() throws Exception {
        AtomicLong trips = new AtomicLong();
        StoreMetrics counting = new StoreMetrics() {
            @Override
            public void roundTrip() {
                trips.incrementAndGet();
            }
        };
        try (RedisServerProcess redis = RedisServerProcess.withArgs(List.of("--requirepass", "store-s3cret"));
             StoreBackend store = StoreBackend.open(redis(
                     "redis://:store-s3cret@127.0.0.1:" + redis.port(), FailureMode.FAIL_CLOSED), clock, scheduler, counting)) {
            assertThat(store.available()).isTrue();
            assertThat(store.notReadyReason()).isEmpty();
            assertThat(store.credentials()).isInstanceOf(RedisCredentialStore.class);
            StoreBackend.Status status = store.status();
            assertThat(status.uri()).isEqualTo("redis://***@127.0.0.1:" + redis.port());
            assertThat(status.toString()).doesNotContain("store-s3cret");
            assertThat(status.roundTrips()).as("the PING at start").isEqualTo(1).isEqualTo(trips.get());
            assertThat(status.onFailure()).isEqualTo("fail-closed");
        }
    }

    @Test
    void unreachableAtStartRunsInTheFailureModeUntilTheProbeFindsRedis() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            redis.kill();
            try (StoreBackend failClosed = StoreBackend.open(redis(redis.uri(), FailureMode.FAIL_CLOSED), clock,
                    scheduler, StoreMetrics.NONE);
                 StoreBackend localShare = StoreBackend.open(redis(redis.uri(), FailureMode.LOCAL_SHARE), clock,
                         scheduler, StoreMetrics.NONE)) {
                assertThat(failClosed.failureModeActive()).isTrue();
                assertThat(failClosed.notReadyReason()).contains(
                        "store: Redis at " + redis.uri() + " is unavailable (onFailure: fail-closed)");
                assertThat(localShare.failureModeActive()).isTrue();
                assertThat(localShare.notReadyReason()).as("local-share serves, degraded").isEmpty();

                redis.restart();
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    scheduler.advanceNanos(PROBE.toNanos());
                    return failClosed.available() && localShare.available();
                });
                assertThat(failClosed.notReadyReason()).isEmpty();
            }
        }
    }

    @Test
    void theHeartbeatNoticesAnOutageWithoutAnyTraffic() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start();
             StoreBackend store = StoreBackend.open(redis(redis.uri(), FailureMode.LOCAL_SHARE), clock, scheduler,
                     StoreMetrics.NONE)) {
            assertThat(store.available()).isTrue();
            redis.kill();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                scheduler.advanceNanos(PROBE.toNanos());
                return store.failureModeActive();
            });
            assertThat(store.status().failures()).isPositive();
        }
    }

    private static StoreConfig redis(String uri, FailureMode onFailure) {
        return new StoreConfig(StoreType.REDIS, new RedisConfig(uri, onFailure, 2, Duration.ofMillis(500),
                Duration.ofMillis(500), 2, PROBE));
    }
}
