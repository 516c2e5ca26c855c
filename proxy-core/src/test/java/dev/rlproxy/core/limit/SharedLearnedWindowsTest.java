package dev.rlproxy.core.limit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rlproxy.core.config.FailureMode;
import dev.rlproxy.core.headers.RateLimitObservation;
import dev.rlproxy.core.store.InMemoryLearnedWindowStore;
import dev.rlproxy.core.store.LearnedWindowStore;
import dev.rlproxy.core.store.WindowGrant;
import dev.rlproxy.core.store.WindowedUpstream;
import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Three limiters (replicas) sharing learned windows through one store, against one simulated
 * upstream with 50 requests per second, under offered load far above it. Time is manual.
 */
class SharedLearnedWindowsTest {

    private static final long MS = 1_000_000L;
    private static final LearnedRef ROUTE = new LearnedRef("up|sha256:0a0b0c0d", "GET /items", null);

    private final ManualClock clock = new ManualClock();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final WindowedUpstream upstream = new WindowedUpstream(50, 1_000, clock);
    private final AtomicBoolean storeDown = new AtomicBoolean();
    private final AtomicLong syncs = new AtomicLong();
    private final InMemoryLearnedWindowStore memory = new InMemoryLearnedWindowStore(clock, 30_000);
    private final LearnedWindowStore store = sync -> {
        syncs.incrementAndGet();
        return storeDown.get() ? CompletableFuture.<WindowGrant>failedFuture(new IllegalStateException("down"))
                : memory.sync(sync);
    };
    private final List<LocalRateLimiter> replicas = new ArrayList<>();
    private final long[] admittedBy = new long[3];
    private long refused;

    SharedLearnedWindowsTest() {
        for (int i = 0; i < 3; i++) {
            replicas.add(new LocalRateLimiter(clock, scheduler, new LimiterSettings(100_000, Duration.ofMillis(100)),
                    LearnedWindowSharing.via(store, "replica-" + i, FailureMode.LOCAL_SHARE, 3)));
        }
    }

    /** Every 10 ms each replica is offered 5 requests; each admitted one reaches the upstream 20 ms later and is answered 20 ms after that. */
    private void offerLoad(long millis) {
        for (long t = 0; t < millis; t += 10) {
            for (int r = 0; r < replicas.size(); r++) {
                int replica = r;
                for (int k = 0; k < 5; k++) {
                    replicas.get(r).acquire(new TicketRequest(List.of(), ROUTE, 1, 2_000 * MS))
                            .whenComplete((ticket, error) -> {
                                if (error != null) {
                                    refused++;
                                    return;
                                }
                                admittedBy[replica]++;
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

    @Test
    void threeReplicasNeverAdmitMoreThanTheUpstreamSaysRemainAndUseMostOfIt() {
        offerLoad(10_000);

        assertThat(upstream.violations()).as("requests the upstream would have refused").isZero();
        long allowed = 50 * upstream.windowsUsed();
        System.out.printf("shared learned windows: %d of %d allowed admitted, %d syncs%n", upstream.accepted(), allowed, syncs.get());
        assertThat(upstream.accepted()).as("of %d allowed", allowed).isGreaterThan(allowed * 7 / 10);
        for (long admitted : admittedBy) {
            assertThat(admitted).as("every replica gets a share").isGreaterThan(50);
        }
        assertThat(refused).as("the rest waited out their max wait").isPositive();
        assertThat(syncs.get()).as("round trips per admitted request").isLessThan(upstream.accepted());
    }

    @Test
    void aReplicaThatHasNotSeenTheUpstreamsBucketIdYetDoesNotProbeUncountedOnTheRouteKey() {
        WindowedUpstream core = new WindowedUpstream(5, 10_000, clock);
        offerNamedBucketLoad(0, 5, core); // the route's probe learns "core"; the other 4 go there
        scheduler.advanceNanos(500 * MS);
        assertThat(core.accepted()).as("replica 0 used the window").isEqualTo(5);

        offerNamedBucketLoad(1, 3, core); // replica 1 has not seen the bucket id itself
        scheduler.advanceNanos(1_000 * MS);

        assertThat(core.violations()).as("requests beyond the bucket's window").isZero();
        assertThat(admittedBy[1]).as("replica 1 waits for the window it shares").isZero();
    }

    /** {@code count} requests through one replica, each answered 40 ms later naming the upstream's bucket id. */
    private void offerNamedBucketLoad(int replica, int count, WindowedUpstream upstream) {
        for (int k = 0; k < count; k++) {
            replicas.get(replica).acquire(new TicketRequest(List.of(), ROUTE, 1, 900 * MS))
                    .whenComplete((ticket, error) -> {
                        if (error != null) {
                            refused++;
                            return;
                        }
                        admittedBy[replica]++;
                        RateLimitObservation said = upstream.arrive();
                        RateLimitObservation named = new RateLimitObservation("core", said.windows(), said.throttled(),
                                false, -1);
                        scheduler.schedule(() -> ticket.complete(named), 40 * MS);
                    });
        }
    }

    /**
     * An upstream that never reports a limit: once a replica's probe is answered without any
     * rate-limit information its bucket is silent, and the shared window (which has nothing to
     * lease but one probe at a time, cluster-wide) is no longer asked.
     */
    @Test
    void aSilentUpstreamIsNotHeldToOneRequestAtATimeAcrossReplicas() {
        for (int round = 0; round < 10; round++) {
            for (int r = 0; r < replicas.size(); r++) {
                int replica = r;
                for (int k = 0; k < 10; k++) {
                    replicas.get(r).acquire(new TicketRequest(List.of(), ROUTE, 1, 5_000 * MS))
                            .whenComplete((ticket, error) -> {
                                if (error == null) {
                                    admittedBy[replica]++;
                                    scheduler.schedule(() -> ticket.complete(RateLimitObservation.EMPTY), 20 * MS);
                                }
                            });
                }
            }
            scheduler.advanceNanos(100 * MS);
        }
        scheduler.advanceNanos(1_000 * MS);

        long admitted = admittedBy[0] + admittedBy[1] + admittedBy[2];
        assertThat(admitted).as("all 300 requests admitted within 2 s (one at a time cluster-wide could not)")
                .isEqualTo(300);
        assertThat(syncs.get()).as("store round trips: the probes and batched completions only").isLessThan(60);
    }

    /** The store fails without a probe saying so: each replica notices by its own failing sync. */
    @Test
    void aStoreThatFailsLeavesEachReplicaOnItsLocalShareAndRecoversWithoutViolations() {
        offerLoad(2_000);
        assertThat(upstream.violations()).isZero();
        long before = upstream.accepted();
        storeDown.set(true);
        offerLoad(2_500);
        assertThat(upstream.accepted()).as("requests still go while the store is down").isGreaterThan(before);

        storeDown.set(false); // mid-window: the replicas notice within a flush interval
        offerLoad(1_500);
        long acceptedWhenRecovered = upstream.accepted();
        offerLoad(4_000);
        System.out.printf("learned windows across a failing store: %d violations in all%n", upstream.violations());
        assertThat(upstream.accepted()).as("shared again: still admitting").isGreaterThan(acceptedWhenRecovered + 150);
        assertThat(upstream.violations()).as("requests beyond an upstream window, before, during or after").isZero();
    }
}
