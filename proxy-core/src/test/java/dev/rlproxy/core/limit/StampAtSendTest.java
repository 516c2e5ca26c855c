package dev.rlproxy.core.limit;

import dev.rlproxy.core.headers.RateLimitObservation;
import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import org.junit.jupiter.api.Test;
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
 * Requests stamped when they are really sent: a granted ticket holds a reserved slot until then, so
 * however long the connection takes, the upstream never sees more than the limit in a window.
 */
class StampAtSendTest {

    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;

    private final ManualClock clock = new ManualClock();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final LocalRateLimiter limiter =
            new LocalRateLimiter(clock, scheduler, new LimiterSettings(1_000, Duration.ZERO));

    private CompletableFuture<Ticket> acquire(BucketLimit limit) {
        return limiter.acquire(new TicketRequest(List.of(new BucketRef("k", limit)), null, 1, 600 * SECOND, true));
    }

    @Test
    void aReservedSlotCountsUntilSentAndThenFromTheSend() {
        BucketLimit twoPerSecond = BucketLimit.of(2, Duration.ofSeconds(1));
        Ticket a = acquire(twoPerSecond).join();
        Ticket b = acquire(twoPerSecond).join();
        b.sent();
        CompletableFuture<Ticket> c = acquire(twoPerSecond);
        assertThat(c).as("a is reserved, b sent: the bucket is full").isNotDone();

        scheduler.advanceNanos(400 * MS);
        a.sent(); // a slow connection: a reaches the upstream 400 ms after its grant

        scheduler.advanceNanos(600 * MS);
        assertThat(c).as("b's slot frees at 1 s").isCompleted();
        CompletableFuture<Ticket> d = acquire(twoPerSecond);
        c.join().sent();
        scheduler.advanceNanos(400 * MS - 1);
        assertThat(d).as("a counts from its send at 400 ms, not its grant at 0").isNotDone();
        scheduler.advanceNanos(1);
        assertThat(d).isCompleted();
    }

    @Test
    void aWaiterHeldBackOnlyByReservationsWakesWhenOneIsSent() {
        BucketLimit onePerSecond = BucketLimit.of(1, Duration.ofSeconds(1));
        Ticket a = acquire(onePerSecond).join();
        CompletableFuture<Ticket> b = acquire(onePerSecond);

        scheduler.advanceNanos(5 * SECOND);
        assertThat(b).as("a is still connecting: it may arrive at any moment").isNotDone();
        a.sent();
        scheduler.advanceNanos(SECOND - 1);
        assertThat(b).isNotDone();
        scheduler.advanceNanos(1);
        assertThat(b).isCompleted();
    }

    @Test
    void aReservationNeverSentIsReturnedAtOnce() {
        BucketLimit onePerSecond = BucketLimit.of(1, Duration.ofSeconds(1));
        Ticket a = acquire(onePerSecond).join();
        CompletableFuture<Ticket> b = acquire(onePerSecond);

        a.abandon(false);

        assertThat(b).isCompleted();
    }

    @Test
    void anAnswerOrAFailureWithoutSentStampsAtThatMoment() {
        BucketLimit onePerSecond = BucketLimit.of(1, Duration.ofSeconds(1));
        Ticket answered = acquire(onePerSecond).join();
        CompletableFuture<Ticket> next = acquire(onePerSecond);
        scheduler.advanceNanos(300 * MS);
        answered.complete(RateLimitObservation.EMPTY); // arrived somewhere in [grant, now]
        scheduler.advanceNanos(SECOND - 1);
        assertThat(next).isNotDone();
        scheduler.advanceNanos(1);
        Ticket failed = next.join();

        CompletableFuture<Ticket> after = acquire(onePerSecond);
        scheduler.advanceNanos(200 * MS);
        failed.abandon(true); // may have arrived: counts from now
        scheduler.advanceNanos(SECOND - 1);
        assertThat(after).isNotDone();
        scheduler.advanceNanos(1);
        assertThat(after).isCompleted();
    }

    @Test
    void laterCallsAreIgnored() {
        BucketLimit onePerSecond = BucketLimit.of(1, Duration.ofSeconds(1));
        Ticket a = acquire(onePerSecond).join();
        a.sent();
        a.sent();
        a.complete(RateLimitObservation.EMPTY);
        a.abandon(false);
        CompletableFuture<Ticket> b = acquire(onePerSecond);
        scheduler.advanceNanos(SECOND - 1);
        assertThat(b).as("stamped once, at 0").isNotDone();
        scheduler.advanceNanos(1);
        assertThat(b).isCompleted();
    }

    static LongStream seeds() {
        return WindowCheck.seeds(200);
    }

    /**
     * Random grants, random delays between grant and send (slow connects, a busy pool), some
     * requests never sent: the send times never put more than the limit in any window, and a
     * saturating load still gets most of the rate.
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void sendTimesNeverExceedTheLimitWhateverTheDelayBeforeSending(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        long limitCount = 1 + rnd.nextInt(12);
        long per = (200 + rnd.nextInt(1_800)) * MS;
        BucketLimit limit = new BucketLimit(limitCount, Duration.ofNanos(per),
                rnd.nextInt(4) == 0 ? 1 + rnd.nextLong(limitCount) : limitCount);
        long maxDelay = rnd.nextBoolean() ? per / 10 : per * 2;
        List<Long> sendTimes = new ArrayList<>();
        int requests = 40 + rnd.nextInt(80);
        for (int i = 0; i < requests; i++) {
            acquire(limit).thenAccept(ticket -> {
                long delay = rnd.nextLong(maxDelay + 1);
                int outcome = rnd.nextInt(10);
                scheduler.schedule(() -> {
                    if (outcome == 0) {
                        ticket.abandon(false); // the connect failed: never sent
                        return;
                    }
                    sendTimes.add(clock.nanoTime());
                    if (outcome == 1) {
                        ticket.abandon(true);
                    } else if (outcome == 2) {
                        ticket.complete(RateLimitObservation.EMPTY); // fresh connection: stamped at the answer
                    } else {
                        ticket.sent();
                        scheduler.schedule(() -> ticket.complete(RateLimitObservation.EMPTY), rnd.nextLong(maxDelay + 1));
                    }
                }, delay);
            });
            scheduler.advanceNanos(rnd.nextLong(per / limitCount + 1));
        }
        scheduler.advanceNanos(1_000 * per);
        assertThat(limiter.queueDepth()).as("seed %d: everyone got through", seed).isZero();
        assertThat(WindowCheck.violation(sendTimes, limitCount, per)).as("seed %d, %s", seed, limit).isNull();
    }
}
