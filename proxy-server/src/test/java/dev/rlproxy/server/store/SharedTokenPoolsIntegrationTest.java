package dev.rlproxy.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rlproxy.core.headers.RateLimitObservation;
import dev.rlproxy.core.headers.RateLimitWindow;
import dev.rlproxy.core.time.Clock;
import dev.rlproxy.core.tokens.Fingerprint;
import dev.rlproxy.core.tokens.TokenLease;
import dev.rlproxy.core.tokens.TokenPool;
import dev.rlproxy.core.tokens.TokenPoolSettings;
import dev.rlproxy.core.tokens.TokenPoolSharing;
import dev.rlproxy.core.tokens.TokenSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Three token pools (replicas) sharing one real redis-server, which is killed and started again (empty). */
class SharedTokenPoolsIntegrationTest {

    private static final List<String> TOKENS = List.of("token-a", "token-b", "token-c");

    private final Clock clock = Clock.system();
    private final List<ExecutorScheduler> loops = new ArrayList<>();
    private final List<RedisGateway> gateways = new ArrayList<>();
    private final List<TokenPool> pools = new ArrayList<>();
    private RedisServerProcess redis;

    @AfterEach
    void stop() {
        pools.forEach(TokenPool::close);
        gateways.forEach(RedisGateway::close);
        loops.forEach(ExecutorScheduler::close);
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void replicasShareTokenStateAndKeepCheckingOutWhileRedisIsGone() throws Exception {
        redis = RedisServerProcess.start();
        for (int i = 0; i < 3; i++) {
            ExecutorScheduler loop = new ExecutorScheduler("pool-replica-" + i);
            RedisGateway gateway = RedisStoreFixture.gateway(redis, loop, 200, Duration.ofMillis(250));
            TokenPool pool = new TokenPool("github", TokenPoolSettings.DEFAULTS, clock, loop,
                    new TokenPoolSharing(new RedisTokenPoolStore(gateway), "replica-" + i, Duration.ofMillis(100),
                            Duration.ofSeconds(30)));
            pool.reconcile(List.of(TokenSource.staticValues(TOKENS)));
            loops.add(loop);
            gateways.add(gateway);
            pools.add(pool);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> gateways.get(0).roundTrips() >= 3);

        Set<String> taken = new HashSet<>();
        for (TokenPool pool : pools) {
            taken.add(pool.checkout(0, Set.of()).join().fingerprint()); // held in flight
            long trips = gateways.stream().mapToLong(RedisGateway::roundTrips).sum();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> gateways.stream().mapToLong(RedisGateway::roundTrips).sum() >= trips + 6);
        }
        assertThat(taken).as("each replica took a token untouched on every replica").hasSize(3);

        redis.kill();
        for (int n = 0; n < 30; n++) {
            TokenLease lease = pools.get(n % 3).checkout(TimeUnit.SECONDS.toNanos(1), Set.of()).get(2, TimeUnit.SECONDS);
            lease.complete(200, report(lease.fingerprint(), 4_000));
        }
        redis.restart();
        TokenLease lease = pools.get(0).checkout(0, Set.of()).join();
        lease.complete(200, report(lease.fingerprint(), 1_234));
        String fingerprint = lease.fingerprint();
        await().atMost(Duration.ofSeconds(10)).until(() -> pools.get(2).status().stream()
                .anyMatch(s -> s.fingerprint().equals(fingerprint) && s.remaining() == 1_234));
        assertThat(TOKENS.stream().map(Fingerprint::of)).contains(fingerprint);
    }

    private RateLimitObservation report(String fingerprint, long remaining) {
        return new RateLimitObservation(null, List.of(new RateLimitWindow("core", 5_000, remaining,
                clock.wallMillis() + 3_600_000)), false, false, -1);
    }
}
