package dev.rlproxy.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rlproxy.core.config.FailureMode;
import dev.rlproxy.core.headers.RateLimitObservation;
import dev.rlproxy.core.limit.LearnedRef;
import dev.rlproxy.core.limit.LearnedWindowSharing;
import dev.rlproxy.core.limit.LimiterSettings;
import dev.rlproxy.core.limit.LocalRateLimiter;
import dev.rlproxy.core.limit.Ticket;
import dev.rlproxy.core.limit.TicketRequest;
import dev.rlproxy.core.store.WindowedUpstream;
import dev.rlproxy.core.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three replicas (limiters, each with its own gateway and event loop) sharing learned windows
 * through one real redis-server, against a simulated upstream of 50 requests per second, with
 * load far above it; mid-load Redis is killed and started again (empty), or paused and resumed.
 */
class SharedLearnedWindowsIntegrationTest {

    private static final LearnedRef ROUTE = new LearnedRef("sim|sha256:0a0b0c0d", "GET /items", null);
    private static final long MAX_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(1_000);

    private final Clock clock = Clock.system();
    private final WindowedUpstream upstream = new WindowedUpstream(50, 1_000, clock);
    private final List<ExecutorScheduler> loops = new ArrayList<>();
    private final List<RedisGateway> gateways = new ArrayList<>();
    private final List<LocalRateLimiter> replicas = new ArrayList<>();
    private final List<CompletableFuture<Ticket>> acquired = new CopyOnWriteArrayList<>();
    private final AtomicLong admitted = new AtomicLong();
    private RedisServerProcess redis;

    @AfterEach
    void stop() {
        gateways.forEach(RedisGateway::close);
        loops.forEach(ExecutorScheduler::close);
        if (redis != null) {
            redis.close();
        }
    }

    private void startReplicas() {
        for (int i = 0; i < 3; i++) {
            ExecutorScheduler loop = new ExecutorScheduler("replica-" + i);
            RedisGateway gateway = RedisStoreFixture.gateway(redis, loop, 200, Duration.ofMillis(250));
            loops.add(loop);
            gateways.add(gateway);
            replicas.add(new LocalRateLimiter(clock, loop, new LimiterSettings(100_000, Duration.ofMillis(100)),
                    LearnedWindowSharing.via(new RedisLearnedWindowStore(gateway), "replica-" + i,
                            FailureMode.LOCAL_SHARE, 3)));
        }
    }

    /** For {@code millis}, every 5 ms each replica is offered 3 requests; an admitted one is answered 20 ms later. */
    private void offerLoad(long millis) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < until) {
            for (int r = 0; r < replicas.size(); r++) {
                ExecutorScheduler loop = loops.get(r);
                for (int k = 0; k < 3; k++) {
                    CompletableFuture<Ticket> ticket = replicas.get(r).acquire(new TicketRequest(List.of(), ROUTE, 1, MAX_WAIT_NANOS));
                    acquired.add(ticket);
                    ticket.thenAccept(t -> {
                        admitted.incrementAndGet();
                        loop.schedule(() -> {
                            RateLimitObservation answer = upstream.arrive();
                            loop.schedule(() -> t.complete(answer), TimeUnit.MILLISECONDS.toNanos(10));
                        }, TimeUnit.MILLISECONDS.toNanos(10));
                    });
                }
            }
            await().pollDelay(Duration.ofMillis(5)).until(() -> true);
        }
    }

    @Test
    void noOverAdmissionAcrossReplicasAndNoHangWhenRedisDiesAndComesBack() throws Exception {
        redis = RedisServerProcess.start();
        startReplicas();

        offerLoad(3_000);
        long killedAt = clock.wallMillis();
        redis.kill();
        offerLoad(2_000);
        redis.restart();
        long restartedAt = clock.wallMillis();
        offerLoad(4_000);
        assertSharedAroundOutage("a Redis kill and restart", killedAt, restartedAt, clock.wallMillis());
    }

    @Test
    void aPausedRedisHoldsNoRequestPastItsWaitAndSharingResumes() throws Exception {
        redis = RedisServerProcess.start();
        startReplicas();

        offerLoad(3_000);
        long pausedAt = clock.wallMillis();
        redis.pause();
        offerLoad(2_000);
        redis.resume();
        long resumedAt = clock.wallMillis();
        offerLoad(4_000);
        assertSharedAroundOutage("a Redis pause (SIGSTOP)", pausedAt, resumedAt, clock.wallMillis());
    }

    /**
     * Every acquire ended (granted or refused at its max wait: none hangs), and the windows wholly
     * before the outage or from 1.5 s after it saw no violation and most of what was allowed.
     */
    private void assertSharedAroundOutage(String outage, long outageFrom, long outageTo, long endedAt) {
        await().atMost(Duration.ofSeconds(10)).until(() -> acquired.stream().allMatch(CompletableFuture::isDone));
        long before = 0;
        long beforeAllowed = 0;
        long after = 0;
        long afterAllowed = 0;
        long violationsShared = 0;
        for (Map.Entry<Long, long[]> w : upstream.byWindow().entrySet()) {
            long start = w.getKey();
            boolean beforeOutage = start + 1_000 <= outageFrom;
            boolean afterOutage = start >= outageTo + 1_500 && start + 1_000 <= endedAt;
            if (!beforeOutage && !afterOutage) {
                continue; // the outage, and the window in which the replicas notice Redis is back
            }
            violationsShared += w.getValue()[1];
            if (beforeOutage) {
                before += w.getValue()[0];
                beforeAllowed += 50;
            } else {
                after += w.getValue()[0];
                afterAllowed += 50;
            }
        }
        System.out.printf("shared learned windows around %s: admitted %d, before %d of %d allowed, after %d of %d; "
                        + "violations while shared %d, in all %d; Redis round trips %d%n", outage,
                admitted.get(), before, beforeAllowed, after, afterAllowed, violationsShared, upstream.violations(),
                gateways.stream().mapToLong(RedisGateway::roundTrips).sum());

        assertThat(violationsShared).as("requests the upstream would refuse, while Redis was there").isZero();
        assertThat(beforeAllowed).isPositive();
        assertThat(afterAllowed).isPositive();
        assertThat(before).as("most of what was allowed is used").isGreaterThan(beforeAllowed / 2);
        assertThat(after).as("resynchronised after the outage").isGreaterThan(afterAllowed / 2);
        assertThat(gateways).allMatch(RedisGateway::isAvailable);
    }
}
