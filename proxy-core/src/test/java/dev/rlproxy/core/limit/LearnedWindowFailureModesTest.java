package dev.rlproxy.core.limit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rlproxy.core.config.FailureMode;
import dev.rlproxy.core.headers.RateLimitObservation;
import dev.rlproxy.core.headers.RateLimitWindow;
import dev.rlproxy.core.store.InMemoryLearnedWindowStore;
import dev.rlproxy.core.store.WindowedUpstream;
import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * Learned windows while the shared store is away, under each {@code store.redis.onFailure}: the
 * rules of {@code local-share} (a share of the remaining, lowered by reports, a share of each later
 * window, the shared remaining authoritative again on recovery) and of {@code fail-closed} (only
 * credits already leased). Time is manual.
 */
class LearnedWindowFailureModesTest {

    private static final long MS = 1_000_000L;
    private static final LearnedRef ROUTE = new LearnedRef("up|sha256:0a0b0c0d", "GET /items", null);

    private final ManualClock clock = new ManualClock();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final InMemoryLearnedWindowStore memory = new InMemoryLearnedWindowStore(clock, 30_000);

    /** One replica: its limiter and its view of the store. */
    private final class Replica {
        final SwitchableWindowStore store = new SwitchableWindowStore(memory);
        final LocalRateLimiter limiter;

        Replica(String id, FailureMode onFailure, int expectedReplicas) {
            limiter = new LocalRateLimiter(clock, scheduler, new LimiterSettings(100_000, Duration.ofMillis(100)),
                    LearnedWindowSharing.via(store, id, onFailure, expectedReplicas));
        }

        /** {@code count} requests that may wait {@code maxWaitMillis}; the scheduler runs what is due. */
        List<CompletableFuture<Ticket>> acquire(int count, long maxWaitMillis) {
            List<CompletableFuture<Ticket>> tickets = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                tickets.add(limiter.acquire(new TicketRequest(List.of(), ROUTE, 1, maxWaitMillis * MS)));
            }
            scheduler.runDue();
            return tickets;
        }

        /** The first request on an unheard bucket (a probe), answered with {@code remaining} of {@code limit}. */
        void probe(long remaining, long limit, long resetAtMillis) {
            List<CompletableFuture<Ticket>> probe = acquire(1, 1_000);
            assertThat(granted(probe)).hasSize(1);
            granted(probe).get(0).complete(report(remaining, limit, resetAtMillis));
            scheduler.advanceNanos(200 * MS); // the report reaches the store
        }
    }

    private static RateLimitObservation report(long remaining, long limit, long resetAtMillis) {
        return new RateLimitObservation(null, List.of(new RateLimitWindow("default", limit, remaining, resetAtMillis)),
                false, false, -1);
    }

    private static List<Ticket> granted(List<CompletableFuture<Ticket>> tickets) {
        return tickets.stream().filter(t -> t.isDone() && !t.isCompletedExceptionally()).map(CompletableFuture::join).toList();
    }

    private static List<TicketRefusedException.Reason> refusals(List<CompletableFuture<Ticket>> tickets) {
        List<TicketRefusedException.Reason> reasons = new ArrayList<>();
        for (CompletableFuture<Ticket> t : tickets) {
            if (t.isCompletedExceptionally()) {
                try {
                    t.join();
                } catch (CompletionException e) {
                    reasons.add(((TicketRefusedException) e.getCause()).reason());
                }
            }
        }
        return reasons;
    }

    @Test
    void localShareIsItsPartOfTheRemainingThenLowerReportsThenAPartOfEachLaterWindow() {
        Replica a = new Replica("a", FailureMode.LOCAL_SHARE, 3);
        long reset = clock.wallMillis() + 10_000;
        a.probe(31, 60, reset);

        a.store.goDown();
        List<Ticket> first = granted(a.acquire(4, 0));
        assertThat(first).as("floor(31 / 3) = 10 of this window; 4 asked").hasSize(4);

        // Others sent meanwhile: the upstream says 3 remain. Own share left 6, but the report wins.
        first.forEach(t -> t.complete(report(3, 60, reset)));
        List<Ticket> lowered = granted(a.acquire(10, 0));
        assertThat(lowered).as("min(share left 6, reported remaining 3)").hasSize(3);
        assertThat(granted(a.acquire(5, 0))).as("nothing left in this window").isEmpty();

        // The window resets (plus margin) with the 3 still in flight: a third of the limit, minus those.
        scheduler.advanceNanos(10_200 * MS);
        List<Ticket> later = granted(a.acquire(40, 0));
        assertThat(later).as("floor(60 / 3) - 3 in flight").hasSize(17);

        // A report of a window later still (the upstream moved on): a fresh third of its limit.
        lowered.forEach(t -> t.complete(report(60, 60, reset + 20_000)));
        later.forEach(t -> t.complete(report(43, 60, reset + 20_000)));
        scheduler.advanceNanos(100 * MS);
        assertThat(granted(a.acquire(40, 0))).as("floor(60 / 3) of the next window, min the reported 43").hasSize(20);
    }

    @Test
    void localShareOfAWindowInProgressCountsOwnRequestsInFlight() {
        Replica a = new Replica("a", FailureMode.LOCAL_SHARE, 3);
        long reset = clock.wallMillis() + 10_000;
        a.probe(40, 60, reset);
        List<Ticket> leased = granted(a.acquire(10, 1_000));
        scheduler.advanceNanos(100 * MS);
        leased = granted(a.acquire(0, 0)).isEmpty() ? leased : leased;
        int inFlight = leased.size();
        assertThat(inFlight).as("leased before the outage, still in flight").isPositive();

        a.store.goDown();
        assertThat(granted(a.acquire(40, 0))).as("floor((40 - %d in flight) / 3)", inFlight)
                .hasSize((40 - inFlight) / 3);
    }

    @Test
    void onRecoveryTheSharedRemainingIsAuthoritativeNotAStaleLocalView() {
        long reset = clock.wallMillis() + 10_000;
        Replica a = new Replica("a", FailureMode.LOCAL_SHARE, 3);
        Replica b = new Replica("b", FailureMode.LOCAL_SHARE, 3);
        a.probe(30, 60, reset); // a's view: 30 remain; the store's too
        List<Ticket> bFirst = granted(b.acquire(1, 1_000));
        assertThat(bFirst).hasSize(1);
        bFirst.get(0).complete(report(29, 60, reset));
        scheduler.advanceNanos(200 * MS);

        a.store.goDown();
        b.store.goDown();
        List<Ticket> bLocal = granted(b.acquire(20, 0));
        assertThat(bLocal).as("b's share: floor(29 / 3)").hasSize(9);
        bLocal.forEach(t -> t.complete(report(20, 60, reset)));

        b.store.comeBack();
        scheduler.advanceNanos(200 * MS); // b's pending report reaches the store: 20 remain
        a.store.comeBack();
        List<CompletableFuture<Ticket>> aAfter = a.acquire(40, 2_000);
        scheduler.advanceNanos(1_000 * MS);
        assertThat(granted(aAfter)).as("a leases from the shared 20, not from its own stale view of 30")
                .hasSizeBetween(10, 20);
    }

    @Test
    void failClosedAdmitsOnlyFromCreditsAlreadyLeasedThenRefusesWithStoreUnavailable() {
        Replica a = new Replica("a", FailureMode.FAIL_CLOSED, 3);
        long reset = clock.wallMillis() + 10_000;
        a.probe(50, 60, reset);
        List<CompletableFuture<Ticket>> warm = a.acquire(3, 1_000); // leases of 2, then 4 (they double with demand)
        long held = a.store.granted - 1 - granted(warm).size();
        assertThat(held).as("credits leased and not used yet (%d granted)", a.store.granted).isPositive();

        a.store.goDown();
        List<CompletableFuture<Ticket>> during = a.acquire(30, 5_000);
        assertThat(granted(during)).as("only the %d credits held", held).hasSize((int) held);
        assertThat(refusals(during)).as("the rest at once, not at their max wait")
                .hasSize(30 - (int) held)
                .containsOnly(TicketRefusedException.Reason.STORE_UNAVAILABLE);

        a.store.comeBack();
        List<CompletableFuture<Ticket>> after = a.acquire(3, 1_000);
        scheduler.advanceNanos(10 * MS);
        assertThat(granted(after)).as("leasing again").hasSize(3);
    }

    @Test
    void failClosedRefusesRequestsAlreadyWaitingAsSoonAsTheOutageIsHeard() {
        Replica a = new Replica("a", FailureMode.FAIL_CLOSED, 3);
        a.probe(2, 60, clock.wallMillis() + 10_000);
        List<CompletableFuture<Ticket>> tickets = a.acquire(5, 20_000);
        scheduler.advanceNanos(100 * MS);
        assertThat(granted(tickets)).as("the 2 remaining").hasSize(2);
        assertThat(tickets.stream().filter(t -> !t.isDone())).as("waiting for the reset").hasSize(3);

        a.store.goDown();
        scheduler.runDue();
        assertThat(refusals(tickets)).containsExactly(TicketRefusedException.Reason.STORE_UNAVAILABLE,
                TicketRefusedException.Reason.STORE_UNAVAILABLE, TicketRefusedException.Reason.STORE_UNAVAILABLE);
    }

    @Test
    void failClosedRefusesAnUnheardBucketAndLocalShareProbesItOneAtATime() {
        Replica closed = new Replica("closed", FailureMode.FAIL_CLOSED, 3);
        closed.store.goDown();
        assertThat(refusals(closed.acquire(2, 1_000))).containsExactly(TicketRefusedException.Reason.STORE_UNAVAILABLE,
                TicketRefusedException.Reason.STORE_UNAVAILABLE);

        Replica open = new Replica("open", FailureMode.LOCAL_SHARE, 3);
        open.store.goDown();
        assertThat(granted(open.acquire(3, 0))).as("one probe per replica while unheard").hasSize(1);
    }

    /**
     * Three replicas, 50 per second upstream, load far above it; the store goes away for every replica
     * at once mid-window and comes back: under local-share no window of the upstream sees more than
     * its limit, before, during or after the outage.
     */
    @Test
    void threeReplicasUnderLocalShareStayWithinEveryUpstreamWindowAcrossAnOutage() {
        WindowedUpstream upstream = new WindowedUpstream(50, 1_000, clock);
        List<Replica> replicas = List.of(new Replica("r0", FailureMode.LOCAL_SHARE, 3),
                new Replica("r1", FailureMode.LOCAL_SHARE, 3), new Replica("r2", FailureMode.LOCAL_SHARE, 3));
        long[] refused = new long[1];
        offerLoad(replicas, upstream, 2_350, refused);
        long acceptedBefore = upstream.accepted();
        replicas.forEach(r -> r.store.goDown());
        offerLoad(replicas, upstream, 3_000, refused);
        long acceptedDuring = upstream.accepted() - acceptedBefore;
        replicas.forEach(r -> r.store.comeBack());
        offerLoad(replicas, upstream, 3_000, refused);

        Map<Long, long[]> windows = upstream.byWindow();
        System.out.printf("learned local share: %d accepted in 3 s of outage (shares 3 x 16 of 50 per window), "
                + "%d in all, violations %d%n", acceptedDuring, upstream.accepted(), upstream.violations());
        assertThat(upstream.violations()).as("requests beyond an upstream window, in any window").isZero();
        assertThat(acceptedDuring).as("each replica used its share during the outage").isGreaterThan(2 * 48);
        assertThat(windows.values().stream().skip(windows.size() - 2).mapToLong(w -> w[0]).sum())
                .as("shared again after the outage: most of the limit").isGreaterThan(70);
    }

    /**
     * Replicas hear the recovery at different moments (each by its own probe). Heard within one
     * upstream window, no window sees more than its limit; one replica that hears it only in the next
     * window can add at most its share, {@code floor(50 / 3)}, to that window.
     */
    @Test
    void replicasHearingTheRecoveryAtDifferentMomentsStayWithinTheDocumentedBound() {
        WindowedUpstream upstream = new WindowedUpstream(50, 1_000, clock);
        List<Replica> replicas = List.of(new Replica("r0", FailureMode.LOCAL_SHARE, 3),
                new Replica("r1", FailureMode.LOCAL_SHARE, 3), new Replica("r2", FailureMode.LOCAL_SHARE, 3));
        long[] refused = new long[1];
        offerLoad(replicas, upstream, 2_350, refused);
        replicas.forEach(r -> r.store.goDown());
        offerLoad(replicas, upstream, 2_000, refused);
        replicas.get(0).store.comeBack(); // 4.35 s
        offerLoad(replicas, upstream, 400, refused);
        replicas.get(1).store.comeBack(); // 4.75 s: the same upstream window
        offerLoad(replicas, upstream, 150, refused);
        replicas.get(2).store.comeBack(); // 4.9 s
        offerLoad(replicas, upstream, 2_850, refused);
        assertThat(upstream.violations()).as("recovery heard within one window").isZero();

        replicas.forEach(r -> r.store.goDown()); // 7.75 s
        offerLoad(replicas, upstream, 2_000, refused);
        replicas.get(0).store.comeBack(); // 9.75 s
        replicas.get(1).store.comeBack();
        offerLoad(replicas, upstream, 500, refused);
        replicas.get(2).store.comeBack(); // 10.25 s: the next window
        offerLoad(replicas, upstream, 3_000, refused);
        assertThat(upstream.byWindow().values()).as("per window: one late replica adds at most its share")
                .allSatisfy(w -> assertThat(w[1]).isLessThanOrEqualTo(50 / 3));
    }

    /** Each 10 ms every replica is offered 5 requests; an admitted one arrives 20 ms later and is answered 20 ms after that. */
    private void offerLoad(List<Replica> replicas, WindowedUpstream upstream, long millis, long[] refused) {
        for (long t = 0; t < millis; t += 10) {
            for (Replica r : replicas) {
                for (int k = 0; k < 5; k++) {
                    r.limiter.acquire(new TicketRequest(List.of(), ROUTE, 1, 2_000 * MS)).whenComplete((ticket, error) -> {
                        if (error != null) {
                            refused[0]++;
                            return;
                        }
                        scheduler.schedule(() -> {
                            RateLimitObservation answer = upstream.arrive();
                            scheduler.schedule(() -> ticket.complete(answer), 20 * MS);
                        }, 20 * MS);
                    });
                }
            }
            scheduler.advanceNanos(10 * MS);
        }
    }
}
