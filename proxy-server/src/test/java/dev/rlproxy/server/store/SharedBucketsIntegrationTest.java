package dev.rlproxy.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rlproxy.core.config.FailureMode;
import dev.rlproxy.core.headers.RateLimitObservation;
import dev.rlproxy.core.limit.BucketLimit;
import dev.rlproxy.core.limit.BucketRef;
import dev.rlproxy.core.limit.LimiterSettings;
import dev.rlproxy.core.limit.LocalRateLimiter;
import dev.rlproxy.core.limit.TicketRefusedException;
import dev.rlproxy.core.limit.TicketRequest;
import dev.rlproxy.core.store.SharedBuckets;
import dev.rlproxy.core.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Three replicas (three limiters, each with its own gateway and scheduler) share configured
 * buckets through one real redis-server, under load far above the limit, in real time. The
 * recorder notes every send (the moment a ticket is reported sent); no interval of {@code per}
 * may hold more than the limit across all replicas, also while Redis is killed, paused and back.
 */
class SharedBucketsIntegrationTest {

    private static final Logger LOG = LoggerFactory.getLogger(SharedBucketsIntegrationTest.class);
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;
    private static final Duration VALIDITY = Duration.ofMillis(500);
    private static final long MAX_WAIT = 400 * MS;
    /** Sends are noted just before {@code sent()}; a thread may be descheduled in between. */
    private static final long RECORDING_SLACK = 5 * MS;

    private final Clock clock = Clock.system();
    private final List<Replica> replicas = new ArrayList<>();
    private RedisServerProcess redis;

    @BeforeEach
    void start() throws Exception {
        redis = RedisServerProcess.start();
    }

    @AfterEach
    void stop() {
        replicas.forEach(Replica::stop);
        redis.close();
    }

    @Test
    void threeReplicasNeverExceedTheLimitTogetherUseNearlyAllOfItAndSurviveOneDroppedWithItsLeasesOpen() {
        BucketLimit limit = BucketLimit.of(100, Duration.ofSeconds(1));
        for (int i = 0; i < 3; i++) {
            replicas.add(new Replica(FailureMode.LOCAL_SHARE, limit, 20));
        }
        long start = clock.nanoTime();
        replicas.forEach(Replica::load);
        runFor(5 * SECOND);
        replicas.get(2).stop(); // killed: no lease it holds is ever closed
        long dropped = clock.nanoTime();
        runFor(3 * SECOND);
        replicas.forEach(Replica::stop);

        long[] sends = allSends();
        assertThat(violation(sends, 100, SECOND - RECORDING_SLACK)).isNull();
        long steady = count(sends, start + 2 * SECOND, start + 5 * SECOND); // three whole windows after warm-up
        long roundTrips = replicas.stream().mapToLong(r -> r.gateway.roundTrips()).sum();
        LOG.info("shared-buckets figures: {} sends, {} in 3 s while saturated (of 300 allowed), "
                        + "{} Redis round trips ({} per send), longest wait {} ms",
                sends.length, steady, roundTrips, String.format("%.3f", roundTrips / (double) sends.length),
                longestWaitMillis());
        assertThat(steady).as("sends in three windows while all three are saturated").isGreaterThanOrEqualTo(285);
        assertThat(count(sends, dropped + 2 * VALIDITY.toNanos() + SECOND, Long.MAX_VALUE))
                .as("the two survivors take the dropped replica's share once its leases expired").isPositive();
        assertNoWaitPastItsDeadline();
    }

    @Test
    void redisKilledAndRestartedUnderLocalShareEachReplicaTakesItsShareAndTheTotalHolds() throws Exception {
        Outage outage = outage(FailureMode.LOCAL_SHARE, redis::kill, 4 * SECOND, redis::restart);
        long killed = outage.from();
        long restarted = outage.to();

        long[] all = allSends();
        assertThat(violation(within(all, Long.MIN_VALUE, restarted), 30, SECOND - RECORDING_SLACK))
                .as("all replicas, up to Redis' restart (the switch to local shares is exact)").isNull();
        assertThat(violation(within(all, restarted + 2 * SECOND, Long.MAX_VALUE), 30, SECOND - RECORDING_SLACK))
                .as("all replicas, once every replica leases again").isNull();
        // Replicas hear the recovery at different moments (each probes on its own): until the last
        // one has, a lagging replica's local share may meet the others' leases in one window. The
        // documented bound: at most floor(limit / expectedReplicas) more per lagging replica.
        assertThat(violation(all, 30 + 2 * 10, SECOND - RECORDING_SLACK)).as("all replicas, the whole run").isNull();
        for (Replica r : replicas) {
            long[] alone = r.sendsBetween(killed + VALIDITY.toNanos() + 10 * MS, restarted);
            assertThat(violation(alone, 10, SECOND - RECORDING_SLACK)).as("30 / 3 replicas each while Redis is gone")
                    .isNull();
            assertThat(alone.length).as("local share admits").isPositive();
        }
        assertThat(count(allSends(), restarted + 2 * SECOND, Long.MAX_VALUE)).as("leasing again after recovery")
                .isGreaterThanOrEqualTo(30);
        assertNoWaitPastItsDeadline();
    }

    @Test
    void redisPausedUnderFailClosedRefusesAtOnceAndResumesWithoutABurst() throws Exception {
        Outage outage = outage(FailureMode.FAIL_CLOSED, redis::pause, 3 * SECOND, redis::resume);
        long paused = outage.from();
        long resumed = outage.to();

        assertThat(violation(allSends(), 30, SECOND - RECORDING_SLACK)).isNull();
        assertThat(count(allSends(), paused + VALIDITY.toNanos() + 10 * MS, resumed))
                .as("no send while Redis is paused but on leases granted before").isZero();
        assertThat(replicas.stream().mapToInt(r -> r.storeRefusals.get()).sum()).as("refused as store_unavailable")
                .isPositive();
        assertThat(count(allSends(), resumed + SECOND, Long.MAX_VALUE)).as("back to leasing").isPositive();
        assertNoWaitPastItsDeadline();
    }

    /** Three replicas sharing 30 per second: 2 s of load, {@code down} for {@code nanos}, {@code up}, 4 s more. */
    private Outage outage(FailureMode mode, RedisAction down, long nanos, RedisAction up) throws Exception {
        BucketLimit limit = BucketLimit.of(30, Duration.ofSeconds(1));
        for (int i = 0; i < 3; i++) {
            replicas.add(new Replica(mode, limit, 10));
        }
        replicas.forEach(Replica::load);
        runFor(2 * SECOND);
        down.run();
        long from = clock.nanoTime();
        runFor(nanos);
        up.run();
        long to = clock.nanoTime();
        runFor(4 * SECOND);
        replicas.forEach(Replica::stop);
        return new Outage(from, to);
    }

    private interface RedisAction {
        void run() throws Exception;
    }

    private record Outage(long from, long to) {
    }

    private void assertNoWaitPastItsDeadline() {
        assertThat(longestWaitMillis()).as("longest acquire, against a max wait of 400 ms (plus scheduling slack)")
                .isLessThan(MAX_WAIT / MS + 600);
    }

    private long longestWaitMillis() {
        return replicas.stream().mapToLong(r -> r.longestWaitNanos.get()).max().orElse(0) / MS;
    }

    private static void runFor(long nanos) {
        await().pollDelay(Duration.ofNanos(nanos)).atMost(Duration.ofNanos(nanos).plusSeconds(5)).until(() -> true);
    }

    private long[] allSends() {
        return replicas.stream().flatMapToLong(r -> Arrays.stream(r.sendsBetween(Long.MIN_VALUE, Long.MAX_VALUE)))
                .sorted().toArray();
    }

    private static long count(long[] sends, long from, long to) {
        return Arrays.stream(sends).filter(t -> t >= from && t < to).count();
    }

    /** The first interval shorter than {@code span} holding more than {@code limit} sends, or null. */
    private static long[] within(long[] sorted, long from, long to) {
        return java.util.Arrays.stream(sorted).filter(t -> t >= from && t < to).toArray();
    }

    private static String violation(long[] sorted, int limit, long span) {
        for (int i = 0; i + limit < sorted.length; i++) {
            if (sorted[i + limit] - sorted[i] < span) {
                return (limit + 1) + " sends within " + (sorted[i + limit] - sorted[i]) / 1_000 + " us";
            }
        }
        return null;
    }

    /** One proxy replica: its own gateway, scheduler and limiter, and clients that keep it saturated. */
    private final class Replica {

        final TestGateways.OwnScheduler scheduler = new TestGateways.OwnScheduler();
        final RedisGateway gateway = TestGateways.connect(redis, scheduler);
        final LocalRateLimiter limiter;
        final BucketLimit limit;
        final int clients;
        final List<Long> sends = new ArrayList<>();
        final AtomicInteger storeRefusals = new AtomicInteger();
        final AtomicLong longestWaitNanos = new AtomicLong();
        volatile boolean running = true;

        Replica(FailureMode mode, BucketLimit limit, int clients) {
            this.limit = limit;
            this.clients = clients;
            this.limiter = new LocalRateLimiter(clock, scheduler, new LimiterSettings(10_000, Duration.ZERO),
                    new SharedBuckets(new RedisBucketLeases(gateway, VALIDITY), mode, 3));
        }

        void load() {
            for (int i = 0; i < clients; i++) {
                scheduler.schedule(this::client, 0);
            }
        }

        private void client() {
            if (!running) {
                return;
            }
            long asked = clock.nanoTime();
            limiter.acquire(new TicketRequest(List.of(new BucketRef("api/per-second", limit)), null, 1, MAX_WAIT, true))
                    .whenComplete((ticket, error) -> {
                        longestWaitNanos.accumulateAndGet(clock.nanoTime() - asked, Math::max);
                        if (ticket != null) {
                            scheduler.schedule(() -> {
                                synchronized (sends) {
                                    sends.add(clock.nanoTime());
                                }
                                ticket.sent();
                                ticket.complete(RateLimitObservation.EMPTY);
                                client();
                            }, ThreadLocalRandom.current().nextLong(0, 20 * MS)); // connect and write
                        } else {
                            Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                            if (cause instanceof TicketRefusedException refused
                                    && refused.reason() == TicketRefusedException.Reason.STORE_UNAVAILABLE) {
                                storeRefusals.incrementAndGet();
                            }
                            scheduler.schedule(this::client, 10 * MS);
                        }
                    });
        }

        long[] sendsBetween(long from, long to) {
            synchronized (sends) {
                return sends.stream().mapToLong(Long::longValue).filter(t -> t >= from && t < to).sorted().toArray();
            }
        }

        void stop() {
            running = false;
            scheduler.shutdown();
            gateway.close();
        }
    }
}
