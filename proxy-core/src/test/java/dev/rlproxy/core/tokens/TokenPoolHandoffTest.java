package dev.rlproxy.core.tokens;

import static dev.rlproxy.core.tokens.PoolFixture.SECOND;
import static dev.rlproxy.core.tokens.PoolFixture.fp;
import static dev.rlproxy.core.tokens.TokenPoolCheckoutTest.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rlproxy.core.headers.RateLimitObservation;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What a freed token does with checkouts waiting for it: it goes to them in arrival order, passing
 * over a retry that excludes it and any checkout withdrawn or timed out meanwhile.
 *
 * <p>The tokens here have no assumed quota and are never answered (leases end with
 * {@code abandon(false)}), so each flies one request at a time: every release frees exactly one.
 */
class TokenPoolHandoffTest {

    @Test
    void releasesServeWaitingCheckoutsInArrivalOrder() {
        PoolFixture f = new PoolFixture("tok-a");
        TokenLease holding = f.take();
        List<CompletableFuture<TokenLease>> waiting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waiting.add(f.checkout(60));
        }
        assertThat(f.pool.waitingCheckouts()).isEqualTo(3);

        holding.abandon(false);
        assertThat(waiting.get(0)).isCompleted();
        assertThat(waiting.get(1)).isNotDone();
        waiting.get(0).join().abandon(false);
        assertThat(waiting.get(1)).isCompleted();
        assertThat(waiting.get(2)).isNotDone();
        waiting.get(1).join().abandon(false);
        assertThat(waiting.get(2)).isCompleted();
        assertThat(f.pool.waitingCheckouts()).isZero();
        assertThat(f.scheduler.pending()).as("no timer outlives the queue").isZero();
    }

    @Test
    void aNewcomerNeverTakesATokenAnEarlierCheckoutWaitsFor() {
        PoolFixture f = new PoolFixture("tok-a");
        f.take().complete(401, RateLimitObservation.EMPTY); // quarantined for 30 s, then one probe
        CompletableFuture<TokenLease> first = f.checkout(60);
        assertThat(first).isNotDone();

        f.clock.advanceNanos(30 * SECOND); // the back-off is over, but no timer has run yet
        CompletableFuture<TokenLease> newcomer = f.checkout(60);
        assertThat(first).as("the earlier checkout gets the probe").isCompleted();
        assertThat(newcomer).as("the newcomer waits for the probe's answer").isNotDone();

        first.join().complete(200, RateLimitObservation.EMPTY);
        assertThat(newcomer).isCompleted();
    }

    @Test
    void aRetryThatExcludesTheFreedTokenIsPassedOverUntilAnotherComesBack() {
        PoolFixture f = new PoolFixture("tok-a", "tok-b");
        TokenLease a = f.checkoutExpecting("tok-a");
        TokenLease b = f.take();
        assertThat(b.fingerprint()).isEqualTo(fp("tok-b"));
        CompletableFuture<TokenLease> retry = f.checkout(60, fp("tok-a"));
        CompletableFuture<TokenLease> plain = f.checkout(60);

        a.abandon(false);
        assertThat(retry).as("tok-a is the one token it must not have").isNotDone();
        assertThat(plain.join().fingerprint()).isEqualTo(fp("tok-a"));

        b.abandon(false);
        assertThat(retry.join().fingerprint()).isEqualTo(fp("tok-b"));
    }

    @Test
    void aCancelledCheckoutIsSkippedAndTheTokenGoesToTheNext() {
        PoolFixture f = new PoolFixture("tok-a");
        TokenLease holding = f.take();
        CompletableFuture<TokenLease> cancelled = f.checkout(60);
        CompletableFuture<TokenLease> next = f.checkout(60);
        cancelled.cancel(false);
        assertThat(f.pool.waitingCheckouts()).isEqualTo(1);

        holding.abandon(false);
        assertThat(next).isCompleted();
        assertThat(f.status("tok-a").inFlight()).as("only the served checkout holds the token").isEqualTo(1);
    }

    @Test
    void aCheckoutWhoseWaitRanOutIsRefusedAndTheNextIsServed() {
        PoolFixture f = new PoolFixture("tok-a");
        TokenLease holding = f.take();
        CompletableFuture<TokenLease> impatient = f.checkout(5);
        CompletableFuture<TokenLease> patient = f.checkout(60);

        f.advanceSeconds(5);
        assertThat(failure(impatient).reason()).isEqualTo(TokenUnavailableException.Reason.EXHAUSTED);
        assertThat(patient).isNotDone();
        holding.abandon(false);
        assertThat(patient).isCompleted();
        assertThat(f.status("tok-a").inFlight()).isEqualTo(1);
    }

    @Test
    void aReleaseThatSpendsTheTokenRefusesOnlyTheCheckoutsThatCannotWaitForItsReset() {
        PoolFixture f = new PoolFixture(PoolFixture.withDefault(10), "tok-a");
        f.take().complete(200, f.window(10, 1, 60));
        TokenLease last = f.take();
        CompletableFuture<TokenLease> shortWait = f.checkout(30);
        CompletableFuture<TokenLease> longWait = f.checkout(90);

        last.complete(200, f.window(10, 0, 60));
        assertThat(failure(shortWait).retryAfterNanos()).isEqualTo(61 * SECOND);
        assertThat(longWait).isNotDone();
        f.advanceSeconds(61);
        assertThat(longWait.join().fingerprint()).isEqualTo(fp("tok-a"));
        assertThat(f.scheduler.pending()).isZero();
    }

    /**
     * A release racing checkouts that are deciding to wait: the handoff and the decision share one
     * critical section, so every checkout is served (a lost wakeup would leave one waiting for good;
     * nothing here ever times out, since the manual clock does not move).
     */
    @Test
    void noReleaseGoesUnnoticedByACheckoutDecidingToWait() throws Exception {
        PoolFixture f = new PoolFixture("tok-a");
        int threads = 4;
        int rounds = 2_000;
        AtomicInteger inUse = new AtomicInteger();
        AtomicInteger mostInUse = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(executor.submit(() -> {
                    for (int i = 0; i < rounds; i++) {
                        TokenLease lease = f.pool.checkout(3_600 * SECOND, Set.of()).get(60, TimeUnit.SECONDS);
                        mostInUse.accumulateAndGet(inUse.incrementAndGet(), Math::max);
                        inUse.decrementAndGet();
                        lease.abandon(false);
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get(120, TimeUnit.SECONDS); // a lost wakeup fails here, with a TimeoutException
            }
        } finally {
            executor.shutdownNow();
        }
        assertThat(mostInUse.get()).as("the token flies one request at a time").isEqualTo(1);
        assertThat(f.pool.waitingCheckouts()).isZero();
        assertThat(f.status("tok-a").inFlight()).isZero();
    }
}
