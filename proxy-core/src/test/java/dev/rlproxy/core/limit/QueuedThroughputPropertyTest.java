package dev.rlproxy.core.limit;

import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Saturating demand through the whole limiter (queue, timers, wake-ups) on a manual clock: the
 * queue is kept topped up for a long run; admissions keep the window promise and reach at least
 * 90% of limit × elapsed / per.
 */
class QueuedThroughputPropertyTest {

    static LongStream seeds() {
        return WindowCheck.seeds(100);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void aFullQueueIsDrainedAtNearlyTheFullRateAndNeverFaster(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        ManualClock clock = new ManualClock();
        ManualScheduler scheduler = new ManualScheduler(clock);
        LocalRateLimiter limiter = new LocalRateLimiter(clock, scheduler, new LimiterSettings(64, Duration.ZERO));
        long limit = rnd.nextBoolean() ? 1 + rnd.nextInt(30) : AdmissionWindow.SLIDING_LOG_MAX_LIMIT + 1 + rnd.nextInt(300);
        long per = rnd.nextLong(limit * 1_000, 5_000_000_000L);
        long burst = rnd.nextBoolean() ? limit : 1 + rnd.nextLong(limit);
        BucketRef ref = new BucketRef("k", new BucketLimit(limit, Duration.ofNanos(per), burst));
        TicketRequest request = new TicketRequest(List.of(ref), null, 1, Long.MAX_VALUE);
        List<Long> admitted = new ArrayList<>();
        List<CompletableFuture<Ticket>> waiting = new ArrayList<>();
        int windows = 5;
        long end = windows * per;

        while (clock.nanoTime() < end) {
            waiting.removeIf(CompletableFuture::isDone);
            while (limiter.queueDepth() < 64) {
                CompletableFuture<Ticket> f = limiter.acquire(request);
                f.thenAccept(t -> admitted.add(clock.nanoTime()));
                if (!f.isDone()) {
                    waiting.add(f);
                }
            }
            // Steps short enough that 64 waiters cannot drain before the next top-up.
            long step = rnd.nextLong(1, Math.max(2, per / limit * 32));
            scheduler.advanceNanos(Math.min(end - clock.nanoTime(), step));
        }

        assertThat(WindowCheck.violation(admitted, limit, per)).as("seed %d %s", seed, ref.limit()).isNull();
        long inTime = admitted.stream().filter(t -> t < end).count();
        assertThat(inTime).as("seed %d %s: admissions in %d windows", seed, ref.limit(), windows)
                .isGreaterThanOrEqualTo((long) (0.9 * limit * windows));
        waiting.forEach(f -> f.cancel(false));
        assertThat(limiter.queueDepth()).isZero();
    }
}
