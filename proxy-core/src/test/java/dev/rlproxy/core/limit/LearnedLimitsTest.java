package dev.rlproxy.core.limit;

import dev.rlproxy.core.headers.RateLimitObservation;
import dev.rlproxy.core.headers.RateLimitWindow;
import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static dev.rlproxy.core.limit.LocalRateLimiterTest.refusal;
import static org.assertj.core.api.Assertions.assertThat;

/** Limits learned from response headers, through the limiter. Reset margin 500 ms. */
class LearnedLimitsTest {

    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;

    private final ManualClock clock = new ManualClock();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final LocalRateLimiter limiter =
            new LocalRateLimiter(clock, scheduler, new LimiterSettings(100, Duration.ofMillis(500)));

    private CompletableFuture<Ticket> acquire(String scope, String route) {
        return acquire(new LearnedRef(scope, route, null));
    }

    private CompletableFuture<Ticket> acquire(LearnedRef ref) {
        return limiter.acquire(new TicketRequest(List.of(), ref, 1, 600 * SECOND));
    }

    private RateLimitObservation report(String bucket, long limit, long remaining, long resetInMillis) {
        return new RateLimitObservation(bucket,
                List.of(new RateLimitWindow("default", limit, remaining, clock.wallMillis() + resetInMillis)),
                false, false, -1);
    }

    @Test
    void aBucketNeverHeardFromProbesWithOneRequestAtATime() {
        Ticket first = acquire("s", "GET /a").join();
        CompletableFuture<Ticket> second = acquire("s", "GET /a");
        assertThat(second).isNotDone();

        first.complete(report(null, 10, 9, 10_000));

        assertThat(second).as("the probe's answer frees the slot").isCompleted();
    }

    @Test
    void anAnswerWithoutRateLimitInformationMakesTheBucketSilentAndLetsEveryRequestGo() {
        Ticket probe = acquire("s", "GET /a").join();
        List<CompletableFuture<Ticket>> queued = List.of(acquire("s", "GET /a"), acquire("s", "GET /a"),
                acquire("s", "GET /a"));
        assertThat(queued).as("the probe goes alone").noneMatch(CompletableFuture::isDone);

        probe.complete(RateLimitObservation.EMPTY);

        assertThat(queued).as("silent upstream: the queue goes at once").allMatch(CompletableFuture::isDone);
        assertThat(acquire("s", "GET /a")).as("and so does anything after, with 3 in flight").isCompleted();
        Ticket otherRoute = acquire("s", "GET /b").join();
        assertThat(acquire("s", "GET /b")).as("another route is a bucket of its own, still unheard").isNotDone();
        otherRoute.abandon(false);
    }

    @Test
    void aServerErrorWithoutHeadersDoesNotMakeABucketSilent() {
        Ticket probe = acquire("s", "r").join();
        CompletableFuture<Ticket> second = acquire("s", "r");

        probe.completeServerError(RateLimitObservation.EMPTY);

        assertThat(second).isCompleted();
        assertThat(acquire("s", "r")).as("a gateway's error page proves nothing: still one at a time").isNotDone();
    }

    @Test
    void aSilentBucketFollowsHeadersOnceTheyAppear() {
        acquire("s", "r").join().complete(RateLimitObservation.EMPTY);
        Ticket a = acquire("s", "r").join();
        Ticket b = acquire("s", "r").join();

        a.complete(report(null, 10, 1, 10_000)); // one left, and b is in flight

        assertThat(acquire("s", "r")).as("remaining minus in flight: nothing").isNotDone();
        scheduler.advanceNanos(10_500 * MS);
        assertThat(limiter.queueDepth()).as("the reset restores the reported limit").isZero();
        b.abandon(false);
    }

    @Test
    void aThrottledAnswerWithoutHeadersBacksOffAndThenProbesAloneAgain() {
        acquire("s", "r").join().complete(RateLimitObservation.EMPTY);
        Ticket a = acquire("s", "r").join();
        Ticket b = acquire("s", "r").join();

        a.complete(new RateLimitObservation(null, List.of(), true, false, 2_000)); // 429, Retry-After: 2

        CompletableFuture<Ticket> next = acquire("s", "r");
        scheduler.advanceNanos(2_500 * MS - 1);
        assertThat(next).as("Retry-After plus margin").isNotDone();
        scheduler.advanceNanos(1);
        assertThat(next).as("b is still in flight: one at a time again").isNotDone();
        b.abandon(false);
        assertThat(next).isCompleted();
        CompletableFuture<Ticket> after = acquire("s", "r");
        assertThat(after).as("next is the probe").isNotDone();

        next.join().complete(RateLimitObservation.EMPTY);

        assertThat(after).as("silent again").isCompleted();
        assertThat(acquire("s", "r")).isCompleted();
    }

    @Test
    void afterAReportAvailableIsRemainingMinusInFlight() {
        acquire("s", "r").join().complete(report(null, 5, 2, 10_000));

        Ticket a = acquire("s", "r").join();
        Ticket b = acquire("s", "r").join();
        CompletableFuture<Ticket> c = acquire("s", "r");
        assertThat(c).isNotDone();

        a.complete(report(null, 5, 1, 10_000));
        b.complete(report(null, 5, 0, 10_000));
        assertThat(c).as("nothing remains until the reset").isNotDone();

        scheduler.advanceNanos(10_500 * MS - 1);
        assertThat(c).isNotDone();
        scheduler.advanceNanos(1);
        assertThat(c).as("reset plus margin restores the limit").isCompleted();
    }

    @Test
    void aStaleReportInTheSameWindowCannotRaiseRemaining() {
        Ticket a = acquire("s", "r").join();
        a.complete(report(null, 10, 3, 10_000));
        clock.advanceNanos(MS);
        Ticket b = acquire("s", "r").join();
        Ticket c = acquire("s", "r").join();
        clock.advanceNanos(MS);
        b.complete(report(null, 10, 1, 10_000)); // the upstream counted b and c: 1 left, c in flight
        c.complete(report(null, 10, 2, 10_000)); // older news, already in b's report: still 1

        assertThat(acquire("s", "r")).isDone();
        assertThat(acquire("s", "r")).isNotDone();
    }

    @Test
    void requestsQueuedOnAnUnheardRouteMoveToTheBucketTheUpstreamNames() {
        Ticket probe = acquire("s", "GET /repos/:id").join();
        List<CompletableFuture<Ticket>> queued = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            queued.add(acquire("s", "GET /repos/:id"));
        }
        assertThat(queued).noneMatch(CompletableFuture::isDone);

        probe.complete(report("core", 10, 2, 10_000)); // the route is in "core", 2 left

        List<CompletableFuture<Ticket>> granted = queued.stream().filter(CompletableFuture::isDone).toList();
        assertThat(granted).as("charged to core: exactly its 2 left, not one at a time forever").hasSize(2);
        assertThat(limiter.queueDepth()).isEqualTo(3);
        for (CompletableFuture<Ticket> ticket : granted) {
            ticket.join().complete(report("core", 10, 0, 10_000));
        }
        assertThat(queued.stream().filter(CompletableFuture::isDone)).as("core is spent: nobody else goes").hasSize(2);

        clock.advanceNanos(11 * SECOND);
        scheduler.runDue();
        assertThat(queued.stream().filter(CompletableFuture::isDone)).as("core reset").hasSize(5);
        assertThat(limiter.queueDepth()).isZero();
    }

    @Test
    void aWaiterCancelledWhileItsRouteIsRenamedLeavesTheQueue() {
        Ticket probe = acquire("s", "r").join();
        CompletableFuture<Ticket> waiting = acquire("s", "r");
        CompletableFuture<Ticket> cancelled = acquire("s", "r");
        cancelled.cancel(false);
        assertThat(limiter.queueDepth()).isEqualTo(1);

        probe.complete(report("shared", 10, 5, 10_000));

        assertThat(waiting).isDone();
        assertThat(limiter.queueDepth()).isZero();
    }

    @Test
    void responsesArrivingOutOfOrderCostNoQuota() {
        acquire("s", "r").join().complete(report(null, 10, 10, 10_000));
        clock.advanceNanos(MS);
        List<Ticket> inFlight = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            inFlight.add(acquire("s", "r").join());
        }
        clock.advanceNanos(MS);
        // The upstream counted them in order (9, 8, 7, 6 left); the answers come back reversed.
        for (int i = 3; i >= 0; i--) {
            inFlight.get(i).complete(report(null, 10, 9 - i, 10_000));
        }

        for (int i = 0; i < 6; i++) {
            assertThat(acquire("s", "r")).as("slot %d of the 6 left", i + 1).isDone();
        }
        assertThat(acquire("s", "r")).isNotDone();
    }

    @Test
    void aNotModifiedAnswerFollowsItsReportInsteadOfCountingItself() {
        acquire("s", "r").join().complete(report(null, 10, 3, 10_000));
        clock.advanceNanos(MS);
        // Conditional requests answered 304: GitHub did not count them and still reports 3 left.
        for (int i = 0; i < 5; i++) {
            acquire("s", "r").join().completeNotModified(report(null, 10, 3, 10_000));
            clock.advanceNanos(MS);
        }
        for (int i = 0; i < 3; i++) {
            assertThat(acquire("s", "r")).as("slot %d of the 3 the upstream still reports", i + 1).isDone();
        }
        assertThat(acquire("s", "r")).isNotDone();
    }

    @Test
    void aNotModifiedAnswerWithoutAReportStillCounts() {
        acquire("s", "r").join().complete(report(null, 10, 3, 10_000));
        clock.advanceNanos(MS);
        acquire("s", "r").join().completeNotModified(RateLimitObservation.EMPTY); // nothing says it was free
        clock.advanceNanos(MS);
        assertThat(acquire("s", "r")).isDone();
        assertThat(acquire("s", "r")).isDone();
        assertThat(acquire("s", "r")).isNotDone();
    }

    @Test
    void aNotModifiedAnswerThatTheUpstreamDidCountIsTakenOffByItsReport() {
        acquire("s", "r").join().complete(report(null, 10, 3, 10_000));
        clock.advanceNanos(MS);
        acquire("s", "r").join().completeNotModified(report(null, 10, 2, 10_000));
        clock.advanceNanos(MS);
        assertThat(acquire("s", "r")).isDone();
        assertThat(acquire("s", "r")).isDone();
        assertThat(acquire("s", "r")).isNotDone();
    }

    @Test
    void aReportCannotHideARequestThatReachedTheUpstreamWithoutOne() {
        acquire("s", "r").join().complete(report(null, 10, 10, 10_000));
        clock.advanceNanos(MS);
        Ticket reported = acquire("s", "r").join();
        Ticket lost = acquire("s", "r").join();
        clock.advanceNanos(MS);
        lost.abandon(true);                              // may have been counted: 9 left at most
        reported.complete(report(null, 10, 9, 10_000)); // counted before the lost one, or not at all

        for (int i = 0; i < 8; i++) {
            assertThat(acquire("s", "r")).isDone();
        }
        assertThat(acquire("s", "r")).isNotDone();
    }

    @Test
    void aLaterResetIsANewWindowTakenAsReported() {
        acquire("s", "r").join().complete(report(null, 10, 0, 1_000));
        CompletableFuture<Ticket> waiting = acquire("s", "r");
        assertThat(waiting).isNotDone();
        scheduler.advanceNanos(1_500 * MS);
        Ticket t = waiting.join();

        t.complete(report(null, 10, 3, 2_000));

        Ticket x = acquire("s", "r").join();
        Ticket y = acquire("s", "r").join();
        Ticket z = acquire("s", "r").join();
        assertThat(List.of(x, y, z)).doesNotContainNull();
        assertThat(acquire("s", "r")).isNotDone();
    }

    @Test
    void throttledWithRetryAfterBlocksUntilRetryAfterPlusMargin() {
        acquire("s", "r").join().complete(report(null, 10, 5, 60_000));
        Ticket t = acquire("s", "r").join();
        t.complete(new RateLimitObservation(null, List.of(), true, false, 2_000));

        CompletableFuture<Ticket> waiting = acquire("s", "r");
        scheduler.advanceNanos(2_500 * MS - 1);
        assertThat(waiting).isNotDone();
        scheduler.advanceNanos(1);
        assertThat(waiting).isCompleted();
    }

    @Test
    void aThrottleWithoutRetryAfterCostsABackOffThatDoublesInARowAndStartsOverAfterAnAnswer() {
        RateLimitObservation throttled = new RateLimitObservation(null, List.of(), true, false, -1);
        acquire("s", "r").join().complete(throttled);

        CompletableFuture<Ticket> waiting = acquire("s", "r");
        scheduler.advanceNanos(SECOND - 1);
        assertThat(waiting).as("one second of back-off").isNotDone();
        scheduler.advanceNanos(1);
        waiting.join().complete(throttled);

        waiting = acquire("s", "r");
        scheduler.advanceNanos(2 * SECOND - 1);
        assertThat(waiting).as("throttled again in a row: two seconds").isNotDone();
        scheduler.advanceNanos(1);
        waiting.join().complete(RateLimitObservation.EMPTY);

        acquire("s", "r").join().complete(throttled);
        waiting = acquire("s", "r");
        scheduler.advanceNanos(SECOND);
        assertThat(waiting).as("an answer in between: back to one second").isCompleted();
    }

    @Test
    void aGlobalRefusalHoldsEveryRouteOfTheScopeButNoOtherScope() {
        acquire("s", "a").join().complete(report(null, 10, 5, 60_000));
        acquire("s", "b").join().complete(report(null, 10, 5, 60_000));
        Ticket t = acquire("s", "a").join();
        t.complete(new RateLimitObservation(null, List.of(), true, true, 1_000));

        CompletableFuture<Ticket> otherRoute = acquire("s", "b");
        assertThat(otherRoute).isNotDone();
        assertThat(acquire("other", "b")).isCompleted();

        scheduler.advanceNanos(1_500 * MS);
        assertThat(otherRoute).isCompleted();
    }

    @Test
    void routesTheUpstreamPutsInOneBucketShareIt() {
        acquire("s", "a").join().complete(report("shared", 10, 1, 60_000));
        acquire("s", "b").join().complete(report("shared", 10, 1, 60_000));

        Ticket viaA = acquire("s", "a").join();
        assertThat(acquire("s", "b")).as("the shared bucket has one left, held by a").isNotDone();
        viaA.abandon(false);
    }

    @Test
    void anAssumedLimitLetsThatManyFlyBeforeAnyReport() {
        LearnedRef ref = new LearnedRef("s", "r", BucketLimit.of(3, Duration.ofSeconds(10)));
        acquire(ref).join();
        acquire(ref).join();
        acquire(ref).join();
        assertThat(acquire(ref)).isNotDone();
    }

    @Test
    void theMostRestrictiveWindowGoverns() {
        long reset = clock.wallMillis() + 60_000;
        acquire("s", "r").join().complete(new RateLimitObservation(null, List.of(
                new RateLimitWindow("requests", 100, 50, reset),
                new RateLimitWindow("tokens", 10_000, 1, reset)), false, false, -1));

        acquire("s", "r").join();
        assertThat(acquire("s", "r")).isNotDone();
    }

    @Test
    void abandoningFreesTheInFlightSlotAndWakesTheQueue() {
        Ticket first = acquire("s", "r").join();
        CompletableFuture<Ticket> second = acquire("s", "r");

        first.abandon(true);
        first.abandon(true);

        assertThat(second).isCompleted();
        assertThat(limiter.queueDepth()).isZero();
    }

    @Test
    void aWaiterBlockedOnlyByInFlightRequestsIsNotRefusedAtOnceButTimesOut() {
        acquire("s", "r").join();
        CompletableFuture<Ticket> waiting = limiter.acquire(
                new TicketRequest(List.of(), new LearnedRef("s", "r", null), 1, SECOND));
        assertThat(waiting).isNotDone();
        scheduler.advanceNanos(SECOND);
        assertThat(refusal(waiting).reason()).isEqualTo(TicketRefusedException.Reason.MAX_WAIT);
    }

    @Test
    void learnedAndConfiguredBucketsPassTogether() {
        BucketRef configured = new BucketRef("c", BucketLimit.of(5, Duration.ofSeconds(1)));
        LearnedRef learned = new LearnedRef("s", "r", null);
        Ticket first = limiter.acquire(new TicketRequest(List.of(configured), learned, 1, 0)).join();
        // The learned bucket refuses (one in flight): the configured one must not be charged.
        limiter.acquire(new TicketRequest(List.of(configured), learned, 1, 0));
        for (int i = 0; i < 4; i++) {
            assertThat(limiter.acquire(new TicketRequest(List.of(configured), null, 1, 0))).isCompleted();
        }
        first.complete(RateLimitObservation.EMPTY);
    }
}
