package dev.rlproxy.core.limit;

import dev.rlproxy.core.headers.RateLimitObservation;
import dev.rlproxy.core.limit.TicketRefusedException.Reason;
import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static dev.rlproxy.core.limit.LocalRateLimiterTest.refusal;
import static org.assertj.core.api.Assertions.assertThat;

/** In-flight caps: slots held from admission until release, queued like every other ticket. */
class InFlightCapTest {

    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;

    private final ManualClock clock = new ManualClock();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final LocalRateLimiter limiter =
            new LocalRateLimiter(clock, scheduler, new LimiterSettings(10, Duration.ofMillis(500)));

    private CompletableFuture<Ticket> acquire(BucketRef... refs) {
        return limiter.acquire(new TicketRequest(List.of(refs), null, 1, 10 * SECOND));
    }

    private static BucketRef cap(int max) {
        return BucketRef.inFlight("api/inflight/", max);
    }

    @Test
    void aSlotIsHeldPastTheResponseHeadUntilRelease() {
        Ticket a = acquire(cap(2)).join();
        Ticket b = acquire(cap(2)).join();
        CompletableFuture<Ticket> c = acquire(cap(2));
        assertThat(c).isNotDone();
        assertThat(limiter.inFlight("api/inflight/")).isEqualTo(2);

        a.complete(RateLimitObservation.EMPTY); // the head arrived; the body still streams
        assertThat(c).as("a body in flight still holds its slot").isNotDone();
        a.release();
        assertThat(c).isCompleted();
        a.release(); // a second release is ignored
        assertThat(acquire(cap(2))).isNotDone();
        assertThat(limiter.inFlight("api/inflight/")).isEqualTo(2);
        b.abandon(true); // abandoning frees the slot too
        assertThat(limiter.inFlight("api/inflight/")).isEqualTo(2).as("the next waiter took it");
    }

    @Test
    void aRequestWaitingForACapTakesNothingFromItsOtherBuckets() {
        BucketRef rate = new BucketRef("api/rate/", BucketLimit.of(2, Duration.ofSeconds(10)));
        Ticket first = acquire(cap(1), rate).join();
        CompletableFuture<Ticket> second = acquire(cap(1), rate);
        assertThat(second).isNotDone();
        second.cancel(false); // withdrawn while waiting for the cap
        // All or nothing: the withdrawn request never spent a rate admission, so one is left.
        assertThat(acquire(rate)).isCompleted();
        assertThat(acquire(rate)).as("the rate bucket is now full").isNotDone();
        first.release();
    }

    @Test
    void aWaiterForACapGivesUpAtMaxWait() {
        Ticket held = acquire(cap(1)).join();
        CompletableFuture<Ticket> waiting = limiter.acquire(new TicketRequest(List.of(cap(1)), null, 1, 2 * SECOND));
        scheduler.advanceNanos(2 * SECOND);
        assertThat(refusal(waiting).reason()).isEqualTo(Reason.MAX_WAIT);
        held.release();
        assertThat(limiter.queueDepth()).isZero();
        assertThat(limiter.inFlight("api/inflight/")).isZero();
    }

    @Test
    void capsAreScopedByKeyAndFollowAChangedMax() {
        Ticket t1 = limiter.acquire(new TicketRequest(List.of(BucketRef.inFlight("api/c/token=a", 1)), null, 1, SECOND)).join();
        assertThat(limiter.acquire(new TicketRequest(List.of(BucketRef.inFlight("api/c/token=b", 1)), null, 1, SECOND)))
                .as("another token's cap").isCompleted();
        CompletableFuture<Ticket> queued = limiter.acquire(
                new TicketRequest(List.of(BucketRef.inFlight("api/c/token=a", 1)), null, 1, SECOND));
        assertThat(queued).isNotDone();
        // A reload raised the cap: the new request reconciles it, and the older waiter goes first.
        CompletableFuture<Ticket> raised = limiter.acquire(
                new TicketRequest(List.of(BucketRef.inFlight("api/c/token=a", 3)), null, 1, SECOND));
        assertThat(queued).isCompleted();
        assertThat(raised).isCompleted();
        t1.release();
    }

    @Test
    void idleCapsAreForgottenButBusyOnesKept() {
        Ticket held = acquire(cap(1)).join();
        acquire(BucketRef.inFlight("api/other/", 1)).join().release();
        limiter.evictIdle();
        assertThat(limiter.inFlight("api/inflight/")).isEqualTo(1);
        assertThat(acquire(cap(1))).as("still capped after the sweep").isNotDone();
        held.release();
    }

    @Test
    void refsNeedEitherALimitOrACap() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new BucketRef("k", null))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BucketRef.inFlight("k", -1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSnapshotCountsEveryKeyOfACapButListsOnlyTheBusiest() {
        List<Ticket> held = new java.util.ArrayList<>();
        for (int k = 0; k < 5; k++) {
            for (int n = 0; n <= k; n++) { // key k holds k + 1 requests
                held.add(limiter.acquire(new TicketRequest(
                        List.of(BucketRef.inFlight("api/c/token=t" + k, 10)), null, 1, SECOND)).join());
            }
        }
        acquire(BucketRef.inFlight("api/other/", 1)).join(); // another cap: not counted
        acquire(BucketRef.inFlight("api/c/token=idle", 1)).join().release(); // live but idle

        InFlightSnapshot snapshot = limiter.inFlightSnapshot("api/c/", 2);

        assertThat(snapshot.keys()).isEqualTo(6);
        assertThat(snapshot.inFlight()).isEqualTo(1 + 2 + 3 + 4 + 5);
        assertThat(snapshot.busiest()).containsExactly(
                new InFlightSnapshot.KeyInFlight("api/c/token=t4", 5, 10),
                new InFlightSnapshot.KeyInFlight("api/c/token=t3", 4, 10));
        assertThat(snapshot.busiestInFlight()).isEqualTo(5);
        assertThat(limiter.inFlightSnapshot("api/c/", 0).busiest()).isEmpty();
        assertThat(limiter.inFlightSnapshot("api/none/", 50)).isEqualTo(new InFlightSnapshot(0, 0, List.of()));

        held.forEach(Ticket::release);
        limiter.evictIdle();
        assertThat(limiter.inFlightSnapshot("api/c/", 50).keys()).as("idle keys are forgotten").isZero();
    }
}
