package dev.rlproxy.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rlproxy.core.store.BucketLeases;
import dev.rlproxy.core.store.BucketLeasesContract;
import dev.rlproxy.core.store.LeaseRequest;
import dev.rlproxy.core.store.LeaseUsage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The lease contract against a real redis-server (its own clock), plus what only Redis has: keys, slots, TTLs. */
class RedisBucketLeasesTest extends BucketLeasesContract {

    private RedisServerProcess redis;
    private RedisGateway gateway;
    private RedisBucketLeases leases;

    @BeforeEach
    void start() throws Exception {
        redis = RedisServerProcess.start();
        gateway = TestGateways.connect(redis);
        leases = new RedisBucketLeases(gateway, Duration.ofNanos(VALIDITY_NANOS));
    }

    @AfterEach
    void stop() {
        gateway.close();
        redis.close();
    }

    @Override
    protected BucketLeases leases() {
        return leases;
    }

    @Override
    protected void letTimePass(long nanos) {
        // Redis keeps its own clock (TIME): the only way to move it is to wait for it.
        await().pollDelay(Duration.ofNanos(nanos)).atMost(Duration.ofNanos(nanos).plusSeconds(5)).until(() -> true);
    }

    @Test
    void aBucketsKeysShareOneHashTagAndAllExpire() throws Exception {
        List<String> keys = RedisBucketLeases.keys("github/per-token/token=sha256:1a2b");
        assertThat(keys).allSatisfy(k -> assertThat(k).startsWith("{rl:github/per-token/token=sha256:1a2b}:"));
        var lease = leases.lease(new LeaseRequest("github/per-token/token=sha256:1a2b", 10, 60_000_000_000L, 4, 0, 0,
                LeaseUsage.NONE)).join();
        leases.lease(new LeaseRequest("github/per-token/token=sha256:1a2b", 10, 60_000_000_000L, 0, 0, lease.id(),
                new LeaseUsage(new long[] {1_000}, new int[] {1}))).join();
        assertThat(gateway.call("exists", j -> j.exists(keys.get(0))).get()).as("no open lease left: gone").isFalse();
        for (String key : keys.subList(1, 3)) {
            long ttl = gateway.call("pttl", j -> j.pttl(key)).get();
            assertThat(ttl).as(key).isBetween(1L, 62_000L + 2 * VALIDITY_NANOS / 1_000_000);
        }
    }
}
