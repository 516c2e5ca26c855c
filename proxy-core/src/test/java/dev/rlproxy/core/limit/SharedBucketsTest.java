package dev.rlproxy.core.limit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rlproxy.core.config.FailureMode;
import dev.rlproxy.core.headers.RateLimitObservation;
import dev.rlproxy.core.store.InMemoryBucketLeases;
import dev.rlproxy.core.store.Lease;
import dev.rlproxy.core.store.LeaseRequest;
import dev.rlproxy.core.store.LeaseUsage;
import dev.rlproxy.core.store.SharedBuckets;
import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * Several limiters (replicas) sharing configured buckets through one lease store, on a manual
 * clock: together they never exceed a limit, use nearly all of it, and follow the failure mode
 * while the store is gone.
 */
class SharedBucketsTest {

    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;
    private static final long VALIDITY = 1000 * MS;
    private static final BucketLimit TWENTY_PER_SECOND = BucketLimit.of(20, Duration.ofSeconds(1));
    private static final BucketLimit TWO_HUNDRED_PER_SECOND = BucketLimit.of(200, Duration.ofSeconds(1));

    private final ManualClock clock = new ManualClock();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final InMemoryBucketLeases store = new InMemoryBucketLeases(clock, VALIDITY);
    private final List<Long> sends = new ArrayList<>();

    private LocalRateLimiter replica(SwitchableLeases leases, FailureMode mode, int expectedReplicas) {
        return new LocalRateLimiter(clock, scheduler, new LimiterSettings(10_000, Duration.ZERO),
                new SharedBuckets(leases, mode, expectedReplicas));
    }

    private static TicketRequest request(BucketLimit limit, boolean stampAtSend, long maxWait) {
        return new TicketRequest(List.of(new BucketRef("api/per-second", limit)), null, 1, maxWait, stampAtSend);
    }

    /** Keeps {@code outstanding} requests waiting on {@code limiter}; each sent after a random connect delay. */
    private void saturate(LocalRateLimiter limiter, int outstanding, SplittableRandom random) {
        saturate(limiter, TWENTY_PER_SECOND, outstanding, random);
    }

    private void saturate(LocalRateLimiter limiter, BucketLimit limit, int outstanding, SplittableRandom random) {
        for (int i = 0; i < outstanding; i++) {
            next(limiter, limit, random);
        }
    }

    private void next(LocalRateLimiter limiter, BucketLimit limit, SplittableRandom random) {
        boolean stamped = random.nextBoolean();
        limiter.acquire(request(limit, stamped, 30 * SECOND)).whenComplete((ticket, error) -> {
            if (ticket != null) {
                long delay = stamped ? random.nextLong(0, 50 * MS) : 0; // some outlive their lease
                scheduler.schedule(() -> {
                    ticket.sent();
                    sends.add(clock.nanoTime());
                    ticket.complete(RateLimitObservation.EMPTY);
                }, delay);
            }
            scheduler.schedule(() -> next(limiter, limit, random), 0);
        });
    }

    @Test
    void threeReplicasTogetherNeverExceedTheLimitAndUseNearlyAllOfIt() {
        SplittableRandom random = new SplittableRandom(7);
        List<SwitchableLeases> views = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            SwitchableLeases view = new SwitchableLeases(store);
            views.add(view);
            saturate(replica(view, FailureMode.LOCAL_SHARE, 3), TWO_HUNDRED_PER_SECOND, 10, random);
        }
        for (int ms = 0; ms < 20_000; ms++) {
            scheduler.advanceNanos(MS);
        }

        assertThat(WindowCheck.violation(sends, 200, SECOND)).isNull();
        long late = sends.stream().filter(t -> t >= SECOND && t < 20 * SECOND).count();
        assertThat(late).as("sends in 19 s of 200 per second").isGreaterThanOrEqualTo((long) (0.95 * 19 * 200));
        int requests = views.stream().mapToInt(v -> v.requests).sum();
        assertThat((double) requests / sends.size()).as("store round trips per send (3 replicas, all saturated)")
                .isLessThanOrEqualTo(0.1);
    }

    /**
     * The round-trip goal, measured deterministically: 3 replicas, 200 per second, 30 clients each
     * sending at once whenever admitted, 20 s. Leases of about an eighth of the limit, and a replica
     * whose lease took the last slots waits for the hint instead of asking again for nothing.
     */
    @Test
    void aTenthOfARoundTripPerSendAtMostAtTwoHundredPerSecondWithThreeSaturatedReplicas() {
        List<SwitchableLeases> views = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            SwitchableLeases view = new SwitchableLeases(store);
            views.add(view);
            LocalRateLimiter limiter = replica(view, FailureMode.LOCAL_SHARE, 3);
            for (int i = 0; i < 30; i++) {
                sendAtOnce(limiter);
            }
        }
        for (int ms = 0; ms < 20_000; ms++) {
            scheduler.advanceNanos(MS);
        }

        assertThat(WindowCheck.violation(sends, 200, SECOND)).isNull();
        assertThat(sends.size()).as("sends in 20 s of 200 per second").isGreaterThanOrEqualTo((int) (0.95 * 20 * 200));
        int requests = views.stream().mapToInt(v -> v.requests).sum();
        assertThat((double) requests / sends.size()).as("store round trips per send").isLessThanOrEqualTo(0.1);
    }

    private void sendAtOnce(LocalRateLimiter limiter) {
        limiter.acquire(request(TWO_HUNDRED_PER_SECOND, false, 30 * SECOND)).whenComplete((ticket, error) -> {
            if (ticket != null) {
                ticket.sent();
                sends.add(clock.nanoTime());
                ticket.complete(RateLimitObservation.EMPTY);
            }
            scheduler.schedule(() -> sendAtOnce(limiter), 0);
        });
    }

    @Test
    void aReplicaToldToComeBackWithNothingGrantedPassesThePromiseBackWhenItDoesAndNotBefore() {
        long per = 5 * SECOND;
        Lease elsewhere = store.lease(new LeaseRequest("api/per-second", 1, per, 1, 0, 0, LeaseUsage.NONE)).join();
        store.lease(new LeaseRequest("api/per-second", 1, per, 0, 0, elsewhere.id(),
                new LeaseUsage(new long[] {0}, new int[] {1}))).join(); // another replica sent the only slot
        SwitchableLeases view = new SwitchableLeases(store);
        LocalRateLimiter limiter = replica(view, FailureMode.LOCAL_SHARE, 2);

        limiter.acquire(request(BucketLimit.of(1, Duration.ofNanos(per)), false, 30 * SECOND));
        scheduler.runDue();
        Lease empty = view.answers.get(0);
        assertThat(empty.granted()).isZero();
        assertThat(empty.id()).isNotZero();
        assertThat(empty.retryAfterNanos()).as("when the slot leaves the window, past a lease's validity")
                .isEqualTo(per).isGreaterThan(VALIDITY);

        scheduler.advanceNanos(empty.retryAfterNanos() - 1);
        assertThat(view.sent).as("the empty answer is no lease: nothing to close before the hint").hasSize(1);
        scheduler.advanceNanos(1);
        assertThat(view.sent).hasSize(2);
        assertThat(view.sent.get(1).previousLeaseId()).as("the promise withdrawn").isEqualTo(empty.id());
        assertThat(view.sent.get(1).usage()).isEqualTo(LeaseUsage.NONE);
    }

    @Test
    void aReplicaDroppedWithItsLeaseOpenHoldsItsSlotsUntilTheLeaseExpiresOnly() {
        LocalRateLimiter doomed = replica(new SwitchableLeases(store), FailureMode.LOCAL_SHARE, 2);
        for (int i = 0; i < 5; i++) {
            doomed.acquire(request(TWENTY_PER_SECOND, false, SECOND)).thenAccept(t -> sends.add(clock.nanoTime()));
            scheduler.runDue();
        }
        assertThat(sends).isNotEmpty();
        doomed = null; // killed: its lease is never closed

        saturate(replica(new SwitchableLeases(store), FailureMode.LOCAL_SHARE, 2), 10, new SplittableRandom(3));
        for (int ms = 0; ms < 5_000; ms++) {
            scheduler.advanceNanos(MS);
        }
        assertThat(WindowCheck.violation(sends, 20, SECOND)).isNull();
        assertThat(sends.stream().filter(t -> t >= 2 * SECOND && t < 5 * SECOND).count())
                .as("after the dead lease expired, the survivor uses the whole bucket").isGreaterThanOrEqualTo(57);
    }

    @Test
    void failClosedRefusesAtOnceWhileTheStoreIsGoneAndLeasesAgainWhenItIsBack() {
        SwitchableLeases view = new SwitchableLeases(store);
        LocalRateLimiter limiter = replica(view, FailureMode.FAIL_CLOSED, 2);
        view.goDown();

        CompletableFuture<Ticket> refused = limiter.acquire(request(TWENTY_PER_SECOND, false, SECOND));
        assertThat(refused).isCompletedExceptionally();
        assertThat(refusal(refused).reason()).isEqualTo(TicketRefusedException.Reason.STORE_UNAVAILABLE);
        assertThat(refusal(refused).retryAfterNanos()).isPositive();

        view.comeBack();
        CompletableFuture<Ticket> waiting = limiter.acquire(request(TWENTY_PER_SECOND, false, SECOND));
        assertThat(waiting).as("waits one round trip for its lease").isNotDone();
        scheduler.runDue();
        assertThat(waiting).isCompleted();

        // A waiter in a full bucket when the store goes: refused at once, not at its deadline.
        List<CompletableFuture<Ticket>> filling = new ArrayList<>();
        for (int i = 1; i < 20; i++) {
            filling.add(limiter.acquire(request(TWENTY_PER_SECOND, false, 10 * SECOND)));
            scheduler.runDue();
        }
        assertThat(filling).allMatch(CompletableFuture::isDone);
        CompletableFuture<Ticket> stuck = limiter.acquire(request(TWENTY_PER_SECOND, false, 10 * SECOND));
        scheduler.advanceNanos(10 * MS);
        assertThat(stuck).isNotDone();
        view.goDown();
        scheduler.runDue();
        assertThat(stuck).isCompletedExceptionally();
        assertThat(refusal(stuck).reason()).isEqualTo(TicketRefusedException.Reason.STORE_UNAVAILABLE);
    }

    @Test
    void localShareAdmitsItsShareAfterEveryOldLeaseLeftTheWindowAndLeasesAgainOnlyAfterItsOwnDrained() {
        SwitchableLeases view = new SwitchableLeases(store);
        LocalRateLimiter limiter = replica(view, FailureMode.LOCAL_SHARE, 4);
        view.goDown();
        long down = clock.nanoTime();
        saturate(limiter, 10, new SplittableRandom(11));
        for (int ms = 0; ms < 4_000; ms++) {
            scheduler.advanceNanos(MS);
        }
        assertThat(sends).as("nothing before one validity plus one window").allMatch(t -> t >= down + VALIDITY + SECOND);
        assertThat(WindowCheck.violation(sends, 5, SECOND)).as("20 / 4 replicas").isNull();
        assertThat(sends).hasSizeGreaterThanOrEqualTo(10);

        int requestsBefore = view.requests;
        long lastLocal = sends.get(sends.size() - 1);
        view.comeBack();
        long back = clock.nanoTime();
        for (int ms = 0; ms < 3_000; ms++) {
            scheduler.advanceNanos(MS);
        }
        List<Long> shared = sends.stream().filter(t -> t > back).toList();
        assertThat(shared).as("no send until the local window drained").allMatch(t -> t >= lastLocal + SECOND);
        assertThat(view.requests).isGreaterThan(requestsBefore);
        assertThat(WindowCheck.violation(sends, 20, SECOND)).isNull();
        assertThat(shared.size()).as("then the whole bucket again").isGreaterThanOrEqualTo(30);
    }

    private static TicketRefusedException refusal(CompletableFuture<Ticket> future) {
        try {
            future.join();
        } catch (CompletionException e) {
            return (TicketRefusedException) e.getCause();
        }
        throw new AssertionError("not refused");
    }
}
