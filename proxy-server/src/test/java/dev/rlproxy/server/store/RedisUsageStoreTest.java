package dev.rlproxy.server.store;

import dev.rlproxy.core.config.QuotaConfig;
import dev.rlproxy.core.config.QuotaMetric;
import dev.rlproxy.core.config.QuotaPeriod;
import dev.rlproxy.core.config.QuotaScope;
import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import dev.rlproxy.core.usage.UpstreamQuotas;
import dev.rlproxy.core.usage.UsageMeter;
import dev.rlproxy.core.usage.UsagePeriods;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.rlproxy.core.usage.QuotaAdmissions.admitted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Quota usage in a real redis-server: shared by replicas, exact at the limit, nothing lost while it is down. */
class RedisUsageStoreTest {

    private static final long PROBE_NANOS = Duration.ofSeconds(1).toNanos();
    /** Redis expires keys by its own (real) clock, so the test's wall clock starts at the real time. */
    private final ManualClock clock = new ManualClock(System.currentTimeMillis());
    private final String monthKey = RedisUsageStore.KEY_PREFIX + "api||requests|"
            + UsagePeriods.key(QuotaPeriod.MONTH, clock.wallMillis());
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final List<RedisGateway> gateways = new ArrayList<>();
    private final List<UsageMeter> meters = new ArrayList<>();
    private RedisServerProcess redis;

    @BeforeEach
    void start() throws Exception {
        // Append-only with fsync on every write: a kill -9 loses nothing, so totals can be checked after one.
        redis = RedisServerProcess.withArgs(List.of("--appendonly", "yes", "--appendfsync", "always"));
    }

    @AfterEach
    void stop() {
        gateways.forEach(RedisGateway::close);
        redis.close();
    }

    private RedisGateway gateway() {
        RedisClient client = RedisClient.builder()
                .hostAndPort(new HostAndPort(redis.host(), redis.port()))
                .clientConfig(DefaultJedisClientConfig.builder().socketTimeoutMillis(500).connectionTimeoutMillis(500).build())
                .build();
        RedisGateway gateway = new RedisGateway(client, redis.uri(), scheduler, 2, 100, PROBE_NANOS);
        gateways.add(gateway);
        return gateway;
    }

    /** One replica's meter for upstream {@code api}. */
    private UpstreamQuotas replica(QuotaConfig quota) {
        UsageMeter meter = new UsageMeter(new RedisUsageStore(gateway()), clock);
        meters.add(meter);
        return meter.configure("api", List.of(quota));
    }

    private long redisTotal() throws Exception {
        String value = gateway().call("get", j -> j.get(monthKey)).get();
        return value == null ? 0 : Long.parseLong(value);
    }


    @Test
    void aFlushWhileRedisIsDownFailsKeepsItsCountsAndDeliversThemExactlyOnceItIsBack() throws Exception {
        RedisGateway gateway = gateway();
        UsageMeter meter = new UsageMeter(new RedisUsageStore(gateway), clock);
        UpstreamQuotas api = meter.configure("api",
                List.of(new QuotaConfig("monthly", QuotaMetric.REQUESTS, 1000, QuotaPeriod.MONTH, null, 0L)));
        for (int i = 0; i < 5; i++) {
            api.admit(null, 0).join();
        }
        meter.flush().join();
        assertThat(redisTotal()).isEqualTo(5);

        redis.kill();
        for (int i = 0; i < 3; i++) {
            api.admit(null, 0).join();
        }
        assertThatThrownBy(() -> meter.flush().join()).hasCauseInstanceOf(StoreUnavailableException.class);
        assertThatThrownBy(() -> meter.flush().join()).as("fails fast while the circuit is open")
                .hasCauseInstanceOf(StoreUnavailableException.class);
        assertThat(meter.failedFlushes()).isEqualTo(2);
        assertThat(api.usage().get(0).used()).isEqualTo(8);

        redis.restart();
        scheduler.advanceNanos(PROBE_NANOS);
        await().atMost(Duration.ofSeconds(10)).until(gateway::isAvailable);
        meter.flush().join();
        assertThat(redisTotal()).as("5 kept by Redis, 3 kept by the replica: nothing lost, nothing twice").isEqualTo(8);
        long ttlMillis = gateway.call("pttl", j -> j.pttl(monthKey)).get();
        assertThat(ttlMillis).as("expires a while after its month ends")
                .isGreaterThan(UsagePeriods.endMillis(QuotaPeriod.MONTH, clock.wallMillis()) - clock.wallMillis());

        // A replica that restarts learns the total from Redis before it admits anything.
        UpstreamQuotas restarted = replica(new QuotaConfig("monthly", QuotaMetric.REQUESTS, 9, QuotaPeriod.MONTH, null, 0L));
        assertThat(admitted(restarted)).as("the 9th").isTrue();
        assertThat(admitted(restarted)).as("the 10th would pass 9").isFalse();
        assertThat(redisTotal()).isEqualTo(9);
    }

    @Test
    void twoReplicasSharingRedisAdmitExactlyTheLimitAndNeverMore() throws Exception {
        // exactWithin covers what the other replica may count between flushes (here: everything), the
        // condition under which request quotas never overshoot across replicas.
        QuotaConfig quota = new QuotaConfig("monthly", QuotaMetric.REQUESTS, 40, QuotaPeriod.MONTH, QuotaScope.UPSTREAM, 40L);
        UpstreamQuotas a = replica(quota);
        UpstreamQuotas b = replica(quota);
        AtomicInteger admitted = new AtomicInteger();
        // Both replicas at once, far beyond the limit.
        List<Thread> threads = new ArrayList<>();
        for (UpstreamQuotas replica : List.of(a, b, a, b)) {
            threads.add(new Thread(() -> {
                for (int i = 0; i < 30; i++) {
                    if (admitted(replica)) {
                        admitted.incrementAndGet();
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        assertThat(admitted.get()).as("never more than the limit").isLessThanOrEqualTo(40);
        // Near the limit each admission asks Redis; a request refused while another replica's was
        // counted may leave one or two unused: its give-back reaches Redis with the next flush, and
        // then the next requests take it.
        meters.forEach(m -> m.flush().join());
        for (UpstreamQuotas replica : List.of(a, b, a, b, a, b, a, b)) {
            if (admitted(replica)) {
                admitted.incrementAndGet();
            }
        }
        assertThat(admitted.get()).as("exactly the limit, across both replicas").isEqualTo(40);
        meters.forEach(m -> m.flush().join());
        assertThat(redisTotal()).as("refused requests were given back").isEqualTo(40);
    }
}
