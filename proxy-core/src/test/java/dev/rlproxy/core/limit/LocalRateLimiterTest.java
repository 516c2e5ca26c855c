package dev.rlproxy.core.limit;

import dev.rlproxy.core.limit.TicketRefusedException.Reason;
import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Configured buckets and the ticket queue, driven by a manual clock and scheduler. */
class LocalRateLimiterTest {

    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;
    private static final BucketLimit ONE_PER_SECOND = BucketLimit.of(1, Duration.ofSeconds(1));
    private static final BucketLimit TWO_PER_SECOND = BucketLimit.of(2, Duration.ofSeconds(1));

    private final ManualClock clock = new ManualClock();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final LocalRateLimiter limiter =
            new LocalRateLimiter(clock, scheduler, new LimiterSettings(3, Duration.ofMillis(500)));

    static TicketRequest request(long maxWaitNanos, BucketRef... refs) {
        return new TicketRequest(List.of(refs), null, 1, maxWaitNanos);
    }

    static BucketRef ref(String key, BucketLimit limit) {
        return new BucketRef(key, limit);
    }

    @Test
    void goNowIsAnAlreadyCompletedFuture() {
        CompletableFuture<Ticket> f = limiter.acquire(request(SECOND, ref("a", TWO_PER_SECOND)));
        assertThat(f).isCompleted();
        assertThat(f.join()).isNotNull();
        assertThat(limiter.queueDepth()).isZero();
    }

    @Test
    void aFullBucketQueuesUntilTheExactEarliestTime() {
        limiter.acquire(request(SECOND, ref("a", ONE_PER_SECOND))).join();
        clock.advanceNanos(300 * MS);
        CompletableFuture<Ticket> waiting = limiter.acquire(request(2 * SECOND, ref("a", ONE_PER_SECOND)));
        assertThat(waiting).isNotDone();
        assertThat(limiter.queueDepth()).isEqualTo(1);

        scheduler.advanceNanos(700 * MS - 1);
        assertThat(waiting).isNotDone();
        scheduler.advanceNanos(1);
        assertThat(waiting).isCompleted();
        assertThat(clock.nanoTime()).isEqualTo(SECOND);
        assertThat(limiter.queueDepth()).isZero();
    }

    @Test
    void refusesAtOnceWhenTheEarliestAdmissionIsBeyondMaxWait() {
        limiter.acquire(request(SECOND, ref("a", ONE_PER_SECOND))).join();
        clock.advanceNanos(200 * MS);

        TicketRefusedException refused = refusal(limiter.acquire(request(500 * MS, ref("a", ONE_PER_SECOND))));

        assertThat(refused.reason()).isEqualTo(Reason.MAX_WAIT);
        assertThat(refused.retryAfterNanos()).isEqualTo(800 * MS);
        assertThat(limiter.queueDepth()).isZero();
    }

    @Test
    void zeroMaxWaitNeverQueues() {
        limiter.acquire(request(0, ref("a", ONE_PER_SECOND))).join();
        assertThat(refusal(limiter.acquire(request(0, ref("a", ONE_PER_SECOND)))).reason()).isEqualTo(Reason.MAX_WAIT);
    }

    @Test
    void refusesQueueFullAtOnceWhenTheQueueIsAtItsDepth() {
        limiter.acquire(request(SECOND, ref("a", ONE_PER_SECOND))).join();
        for (int i = 0; i < 3; i++) {
            limiter.acquire(request(10 * SECOND, ref("a", ONE_PER_SECOND)));
        }
        assertThat(limiter.queueDepth()).isEqualTo(3);

        TicketRefusedException refused = refusal(limiter.acquire(request(10 * SECOND, ref("a", ONE_PER_SECOND))));

        assertThat(refused.reason()).isEqualTo(Reason.QUEUE_FULL);
        assertThat(limiter.queueDepth()).isEqualTo(3);
    }

    @Test
    void aWaiterStillWaitingAtItsDeadlineIsRefusedWithAHint() {
        limiter.acquire(request(SECOND, ref("a", ONE_PER_SECOND))).join();
        CompletableFuture<Ticket> second = limiter.acquire(request(3 * SECOND, ref("a", ONE_PER_SECOND)));
        CompletableFuture<Ticket> third = limiter.acquire(request(1500 * MS, ref("a", ONE_PER_SECOND)));
        assertThat(limiter.queueDepth()).isEqualTo(2);

        scheduler.advanceNanos(SECOND);
        assertThat(second).isCompleted();
        assertThat(third).isNotDone();

        scheduler.advanceNanos(500 * MS);
        TicketRefusedException refused = refusal(third);
        assertThat(refused.reason()).isEqualTo(Reason.MAX_WAIT);
        assertThat(refused.retryAfterNanos()).isEqualTo(500 * MS);
        assertThat(limiter.queueDepth()).isZero();
        assertThat(scheduler.pending()).as("only the idle sweep is left").isEqualTo(1);
    }

    @Test
    void cancellingAWaiterRemovesItAtOnceAndTheNextOneMovesUp() {
        limiter.acquire(request(SECOND, ref("a", ONE_PER_SECOND))).join();
        CompletableFuture<Ticket> first = limiter.acquire(request(5 * SECOND, ref("a", ONE_PER_SECOND)));
        CompletableFuture<Ticket> second = limiter.acquire(request(5 * SECOND, ref("a", ONE_PER_SECOND)));

        assertThat(first.cancel(false)).isTrue();

        assertThat(limiter.queueDepth()).isEqualTo(1);
        scheduler.advanceNanos(SECOND);
        assertThat(second).isCompleted();
        assertThat(limiter.queueDepth()).isZero();
        assertThat(scheduler.pending()).as("no timers left behind but the idle sweep").isEqualTo(1);
    }

    @Test
    void abandonNotSentGivesTheAdmissionBackAndIsIdempotent() {
        Ticket ticket = limiter.acquire(request(SECOND, ref("a", ONE_PER_SECOND))).join();
        CompletableFuture<Ticket> waiting = limiter.acquire(request(5 * SECOND, ref("a", ONE_PER_SECOND)));

        ticket.abandon(false);
        ticket.abandon(false);

        assertThat(waiting).isCompleted();
        // Given back once only: the waiter now holds the only admission.
        assertThat(refusal(limiter.acquire(request(0, ref("a", ONE_PER_SECOND)))).reason()).isEqualTo(Reason.MAX_WAIT);
    }

    @Test
    void abandonMaybeSentKeepsTheAdmissionSpent() {
        Ticket ticket = limiter.acquire(request(SECOND, ref("a", ONE_PER_SECOND))).join();
        ticket.abandon(true);
        ticket.complete(null);
        assertThat(refusal(limiter.acquire(request(0, ref("a", ONE_PER_SECOND)))).retryAfterNanos()).isEqualTo(SECOND);
    }

    @Test
    void whenOneBucketRefusesTheOthersAreUnchanged() {
        limiter.acquire(request(SECOND, ref("b", ONE_PER_SECOND))).join();

        assertThat(refusal(limiter.acquire(request(0, ref("a", TWO_PER_SECOND), ref("b", ONE_PER_SECOND)))).reason())
                .isEqualTo(Reason.MAX_WAIT);

        assertThat(limiter.acquire(request(0, ref("a", TWO_PER_SECOND)))).isCompleted();
        assertThat(limiter.acquire(request(0, ref("a", TWO_PER_SECOND)))).isCompleted();
    }

    @Test
    void aRequestWaitsBehindOlderWaitersOfAnyOfItsBuckets() {
        limiter.acquire(request(SECOND, ref("a", ONE_PER_SECOND))).join();
        CompletableFuture<Ticket> both = limiter.acquire(
                request(5 * SECOND, ref("a", ONE_PER_SECOND), ref("b", TWO_PER_SECOND)));
        // b alone has room, but an older waiter is queued on b.
        CompletableFuture<Ticket> bOnly = limiter.acquire(request(5 * SECOND, ref("b", TWO_PER_SECOND)));
        assertThat(bOnly).isNotDone();

        scheduler.advanceNanos(SECOND);

        assertThat(both).isCompleted();
        assertThat(bOnly).isCompleted();
        assertThat(limiter.queueDepth()).isZero();
    }

    @Test
    void waitersOfOneBucketGoInArrivalOrder() {
        limiter.acquire(request(SECOND, ref("a", ONE_PER_SECOND))).join();
        CompletableFuture<Ticket> first = limiter.acquire(request(5 * SECOND, ref("a", ONE_PER_SECOND)));
        CompletableFuture<Ticket> second = limiter.acquire(request(5 * SECOND, ref("a", ONE_PER_SECOND)));

        scheduler.advanceNanos(SECOND);
        assertThat(first).isCompleted();
        assertThat(second).isNotDone();
        scheduler.advanceNanos(SECOND);
        assertThat(second).isCompleted();
    }

    @Test
    void aChangedLimitReplacesTheBucketAndKeepsItsHistory() {
        limiter.acquire(request(SECOND, ref("a", ONE_PER_SECOND))).join();

        assertThat(limiter.acquire(request(0, ref("a", TWO_PER_SECOND)))).isCompleted();
        assertThat(refusal(limiter.acquire(request(0, ref("a", TWO_PER_SECOND)))).retryAfterNanos()).isEqualTo(SECOND);
        // Back to one per second: both earlier admissions still count.
        assertThat(refusal(limiter.acquire(request(0, ref("a", ONE_PER_SECOND)))).retryAfterNanos()).isEqualTo(SECOND);
    }

    @Test
    void idleBucketsAreEvictedByTheSweep() {
        limiter.acquire(request(SECOND, ref("idle", ONE_PER_SECOND))).join();
        scheduler.advanceNanos(LocalRateLimiter.SWEEP_INTERVAL_NANOS / 2);
        limiter.acquire(request(SECOND, ref("busy", BucketLimit.of(1, Duration.ofSeconds(40))))).join();
        assertThat(limiter.configuredBucketCount()).isEqualTo(2);

        scheduler.advanceNanos(LocalRateLimiter.SWEEP_INTERVAL_NANOS / 2);

        assertThat(limiter.configuredBucketCount()).isEqualTo(1);
        scheduler.advanceNanos(2 * LocalRateLimiter.SWEEP_INTERVAL_NANOS);
        assertThat(limiter.configuredBucketCount()).isZero();
        assertThat(scheduler.pending()).as("the sweep stops when nothing is left").isZero();
    }

    @Test
    void onceManyKeysHaveGoneTheSweepShrinksTheMapAndKeepsTheLiveKeysWithTheirHistory() {
        for (int i = 0; i < ConfiguredBuckets.SHRINK_FROM_KEYS; i++) {
            assertThat(limiter.acquire(request(0, ref("user-" + i, ONE_PER_SECOND)))).isCompleted();
        }
        clock.advanceNanos(SECOND);
        limiter.acquire(request(0, ref("live", ONE_PER_SECOND))).join();

        limiter.evictIdle();

        assertThat(limiter.configuredBucketCount()).isEqualTo(1);
        assertThat(limiter.configuredMapReplacements()).as("the map of 8192 keys was replaced by a copy").isEqualTo(1);
        assertThat(refusal(limiter.acquire(request(0, ref("live", ONE_PER_SECOND)))).retryAfterNanos())
                .as("the live key's admission still counts in the copy").isEqualTo(SECOND);
        assertThat(limiter.acquire(request(0, ref("user-0", ONE_PER_SECOND)))).isCompleted();
        assertThat(limiter.acquire(request(0, ref("user-0", ONE_PER_SECOND)))).isCompletedExceptionally();

        limiter.evictIdle();
        assertThat(limiter.configuredMapReplacements()).as("a small map is left alone").isEqualTo(1);
    }

    @Test
    void aGroupThatDropsItsIdleKeysItselfBetweenSweepsStillLetsTheSweepShrinkTheMap() {
        int maxKeys = ConfiguredBuckets.SHRINK_FROM_KEYS;
        for (int i = 0; i < maxKeys; i++) {
            assertThat(limiter.acquire(request(0, new BucketRef("user-" + i, ONE_PER_SECOND, "users", maxKeys))))
                    .isCompleted();
        }
        clock.advanceNanos(SECOND);
        // The group is full of idle keys: the next new key makes it drop them all before any sweep.
        assertThat(limiter.acquire(request(0, new BucketRef("late", ONE_PER_SECOND, "users", maxKeys))))
                .isCompleted();
        assertThat(limiter.configuredBucketCount()).isEqualTo(1);

        limiter.evictIdle();

        assertThat(limiter.configuredMapReplacements())
                .as("the sweep knows the map once held 8192 keys although it never saw them").isEqualTo(1);
        assertThat(limiter.configuredBucketCount()).isEqualTo(1);
    }

    @Test
    void burstSpacesAdmissions() {
        BucketLimit tenPerSecondBurstTwo = new BucketLimit(10, Duration.ofSeconds(1), 2);
        assertThat(limiter.acquire(request(0, ref("a", tenPerSecondBurstTwo)))).isCompleted();
        assertThat(limiter.acquire(request(0, ref("a", tenPerSecondBurstTwo)))).isCompleted();
        CompletableFuture<Ticket> third = limiter.acquire(request(SECOND, ref("a", tenPerSecondBurstTwo)));
        scheduler.advanceNanos(100 * MS - 1);
        assertThat(third).isNotDone();
        scheduler.advanceNanos(1);
        assertThat(third).isCompleted();
    }

    @Test
    void badRequestsFailWithAClearMessage() {
        TicketRequest tooCostly = new TicketRequest(List.of(ref("a", ONE_PER_SECOND)), null, 2, SECOND);
        assertThatThrownBy(() -> limiter.acquire(tooCostly).join())
                .hasCauseInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cost 2 exceeds the limit 1 of bucket 'a'");
        assertThatThrownBy(() -> limiter.acquire(request(SECOND, ref("a", ONE_PER_SECOND), ref("a", ONE_PER_SECOND))).join())
                .hasMessageContaining("named twice");
    }

    static TicketRefusedException refusal(CompletableFuture<Ticket> future) {
        assertThat(future).isCompletedExceptionally();
        try {
            future.join();
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(TicketRefusedException.class);
            return (TicketRefusedException) e.getCause();
        }
        throw new AssertionError("not refused");
    }
}
