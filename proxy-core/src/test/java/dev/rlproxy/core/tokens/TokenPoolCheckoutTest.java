package dev.rlproxy.core.tokens;

import static dev.rlproxy.core.tokens.PoolFixture.SECOND;
import static dev.rlproxy.core.tokens.PoolFixture.fp;
import static dev.rlproxy.core.tokens.PoolFixture.withDefault;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rlproxy.core.headers.RateLimitObservation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Which token a checkout gets, and when it has to wait or give up. */
class TokenPoolCheckoutTest {

    @Test
    void prefersAnUntouchedTokenThenTheOneWithMostRemaining() {
        PoolFixture f = new PoolFixture(withDefault(100), "tok-a", "tok-b");
        TokenLease first = f.take();
        first.complete(200, f.window(100, 90, 3600));

        TokenLease second = f.take();
        assertThat(second.fingerprint()).as("the untouched token").isNotEqualTo(first.fingerprint());
        second.complete(200, f.window(100, 95, 3600));

        TokenLease third = f.take();
        assertThat(third.fingerprint()).as("95 left beats 90 left").isEqualTo(second.fingerprint());
        TokenLease fourth = f.take();
        assertThat(fourth.fingerprint()).as("94 (95 minus one in flight) still beats 90").isEqualTo(second.fingerprint());
        TokenLease fifth = f.take();
        assertThat(fifth.fingerprint()).as("93 (95 minus two in flight) still beats 90").isEqualTo(second.fingerprint());
    }

    @Test
    void aNotModifiedAnswerFollowsItsHeadersRatherThanCountingItself() {
        PoolFixture f = new PoolFixture("tok-a");
        f.take().complete(200, f.window(100, 40, 3600));
        for (int i = 0; i < 3; i++) {
            f.take().complete(304, f.window(100, 40, 3600)); // GitHub: a 304 is not counted
        }
        assertThat(f.status("tok-a").remaining()).isEqualTo(40);
        f.take().complete(304, RateLimitObservation.EMPTY); // no headers: counted, conservatively
        assertThat(f.status("tok-a").remaining()).isEqualTo(39);
    }

    @Test
    void equalTokensShareTheLoadRoundRobin() {
        PoolFixture f = new PoolFixture("tok-a", "tok-b", "tok-c");
        Map<String, Integer> uses = new HashMap<>();
        for (int i = 0; i < 9; i++) {
            TokenLease lease = f.take();
            uses.merge(lease.fingerprint(), 1, Integer::sum);
            lease.complete(200, RateLimitObservation.EMPTY);
        }
        assertThat(uses).containsOnlyKeys(fp("tok-a"), fp("tok-b"), fp("tok-c"));
        assertThat(uses.values()).containsOnly(3);
    }

    @Test
    void concurrentCheckoutsGoToDifferentTokens() {
        PoolFixture f = new PoolFixture(withDefault(5000), "tok-a", "tok-b", "tok-c");
        List<String> taken = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            taken.add(f.take().fingerprint());
        }
        assertThat(taken).doesNotHaveDuplicates();
    }

    @Test
    void aTokenNeverHeardFromWithoutAssumedQuotaFliesOneRequestUntilItsFirstAnswer() {
        PoolFixture f = new PoolFixture("tok-a");
        TokenLease first = f.take();
        CompletableFuture<TokenLease> second = f.checkout(5);
        assertThat(second).as("waits for the first answer: the token's quota is unknown").isNotDone();

        first.complete(200, f.window(10, 9, 60));
        assertThat(second).isCompleted();
        TokenLease third = f.take();
        assertThat(third.fingerprint()).as("heard from: its reported quota now decides").isEqualTo(fp("tok-a"));
        second.join().complete(200, RateLimitObservation.EMPTY);
        third.complete(200, RateLimitObservation.EMPTY);
    }

    @Test
    void aTokenWhoseUpstreamSendsNoRateLimitHeadersIsUnlimitedOnceHeardFrom() {
        PoolFixture f = new PoolFixture("tok-a");
        f.take().complete(200, RateLimitObservation.EMPTY);
        List<TokenLease> concurrent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            concurrent.add(f.take());
        }
        assertThat(concurrent).extracting(TokenLease::fingerprint).containsOnly(fp("tok-a"));
    }

    @Test
    void skipsASpentTokenUntilItsResetPlusGrace() {
        PoolFixture f = new PoolFixture(withDefault(5000), "tok-a", "tok-b");
        TokenLease a = f.checkoutExpecting("tok-a");
        a.complete(200, f.window(5000, 0, 60));
        assertThat(f.status("tok-a").state()).isEqualTo(TokenState.SPENT);

        for (int i = 0; i < 5; i++) {
            TokenLease lease = f.take();
            assertThat(lease.fingerprint()).isEqualTo(fp("tok-b"));
            lease.complete(200, f.window(5000, 4000 - i, 3600));
        }
        f.advanceSeconds(60);
        assertThat(f.take().fingerprint()).as("reset reached, grace not yet").isEqualTo(fp("tok-b"));
        f.advanceSeconds(1);
        assertThat(f.status("tok-a").state()).isEqualTo(TokenState.ACTIVE);
        assertThat(f.status("tok-a").remaining()).as("a passed reset counts as full").isEqualTo(5000);
        assertThat(f.take().fingerprint()).as("full again and untouched").isEqualTo(fp("tok-a"));
    }

    @Test
    void waitsForTheEarliestResetWhenEveryTokenIsSpent() {
        PoolFixture f = new PoolFixture(withDefault(10), "tok-a", "tok-b");
        f.checkoutExpecting("tok-a").complete(200, f.window(10, 0, 20));
        f.checkoutExpecting("tok-b").complete(200, f.window(10, 0, 10));

        CompletableFuture<TokenLease> waiting = f.checkout(30);
        assertThat(waiting).isNotDone();
        assertThat(f.pool.waitingCheckouts()).isEqualTo(1);
        f.advanceSeconds(10);
        assertThat(waiting).as("grace not over").isNotDone();
        f.advanceSeconds(1);
        assertThat(waiting).isCompleted();
        assertThat(waiting.join().fingerprint()).isEqualTo(fp("tok-b"));
        assertThat(f.pool.waitingCheckouts()).isZero();
    }

    @Test
    void refusesAtOnceWhenTheEarliestResetIsBeyondMaxWait() {
        PoolFixture f = new PoolFixture(withDefault(10), "tok-a");
        f.take().complete(200, f.window(10, 0, 60));

        CompletableFuture<TokenLease> refused = f.checkout(5);
        TokenUnavailableException e = failure(refused);
        assertThat(e.reason()).isEqualTo(TokenUnavailableException.Reason.EXHAUSTED);
        assertThat(e.retryAfterNanos()).isEqualTo(61 * SECOND);
        assertThat(e.getMessage()).contains("1 spent").doesNotContain("tok-a");
        assertThat(f.scheduler.pending()).as("nothing left scheduled").isZero();
    }

    @Test
    void aRetryExcludingItsFirstTokenGetsAnother() {
        PoolFixture f = new PoolFixture("tok-a", "tok-b");
        TokenLease first = f.take();
        first.complete(429, f.throttled(0));
        String other = first.fingerprint().equals(fp("tok-a")) ? fp("tok-b") : fp("tok-a");
        assertThat(f.checkout(0, first.fingerprint()).join().fingerprint()).isEqualTo(other);
    }

    @Test
    void excludingEveryTokenFailsAtOnce() {
        PoolFixture f = new PoolFixture("tok-a", "tok-b");
        TokenUnavailableException e = failure(f.checkout(30, fp("tok-a"), fp("tok-b")));
        assertThat(e.reason()).isEqualTo(TokenUnavailableException.Reason.ONLY_EXCLUDED);
        assertThat(f.pool.waitingCheckouts()).isZero();
    }

    @Test
    void whenOnlyExcludedTokensAreUsableTheRetryWaitsForAnotherOrFails() {
        PoolFixture f = new PoolFixture(withDefault(10), "tok-a", "tok-b");
        f.checkoutExpecting("tok-b").complete(200, f.window(10, 0, 10));

        CompletableFuture<TokenLease> waiting = f.checkout(30, fp("tok-a"));
        assertThat(waiting).as("tok-a is free but excluded").isNotDone();
        f.advanceSeconds(11);
        assertThat(waiting.join().fingerprint()).isEqualTo(fp("tok-b"));

        waiting.join().complete(200, f.window(10, 0, 600));
        TokenUnavailableException e = failure(f.checkout(30, fp("tok-a")));
        assertThat(e.reason()).isEqualTo(TokenUnavailableException.Reason.EXHAUSTED);
    }

    @Test
    void aWaitingCheckoutGetsATokenWhenALeaseComesBack() {
        PoolFixture f = new PoolFixture(withDefault(10), "tok-a");
        TokenLease first = f.take();
        first.complete(200, f.window(10, 1, 60));
        TokenLease holding = f.take();

        CompletableFuture<TokenLease> waiting = f.checkout(5);
        assertThat(waiting).as("the last call is in flight").isNotDone();
        holding.complete(200, f.window(10, 9, 3600)); // the window has reset meanwhile
        assertThat(waiting.join().fingerprint()).isEqualTo(fp("tok-a"));
    }

    @Test
    void aWaitingCheckoutFailsWhenTheReleasedLeaseSpendsTheToken() {
        PoolFixture f = new PoolFixture(withDefault(10), "tok-a");
        f.take().complete(200, f.window(10, 1, 60));
        TokenLease holding = f.take();
        CompletableFuture<TokenLease> waiting = f.checkout(5);

        holding.complete(200, f.window(10, 0, 60));
        assertThat(failure(waiting).retryAfterNanos()).isEqualTo(61 * SECOND);
    }

    @Test
    void aWaitingCheckoutTimesOutAtItsDeadline() {
        PoolFixture f = new PoolFixture(withDefault(10), "tok-a");
        f.take().complete(200, f.window(10, 1, 60));
        f.take();
        CompletableFuture<TokenLease> waiting = f.checkout(5);
        f.advanceSeconds(4);
        assertThat(waiting).isNotDone();
        f.advanceSeconds(1);
        assertThat(failure(waiting).reason()).isEqualTo(TokenUnavailableException.Reason.EXHAUSTED);
    }

    @Test
    void cancellingAWaitingCheckoutWithdrawsIt() {
        PoolFixture f = new PoolFixture(withDefault(10), "tok-a");
        f.take().complete(200, f.window(10, 0, 10));
        CompletableFuture<TokenLease> waiting = f.checkout(30);
        assertThat(f.pool.waitingCheckouts()).isEqualTo(1);

        waiting.cancel(false);
        assertThat(f.pool.waitingCheckouts()).isZero();
        assertThat(f.scheduler.pending()).as("its timer is gone too").isZero();
        f.advanceSeconds(20);
        assertThat(f.status("tok-a").inFlight()).isZero();
    }

    @Test
    void aChangedLimitReplacesTheDefault() {
        PoolFixture f = new PoolFixture(withDefault(5000), "tok-a");
        assertThat(f.status("tok-a").limit()).isEqualTo(5000);
        f.take().complete(200, f.window(15000, 14999, 3600));
        TokenStatus status = f.status("tok-a");
        assertThat(status.limit()).isEqualTo(15000);
        assertThat(status.remaining()).isEqualTo(14999);
        assertThat(status.resetAt()).isEqualTo(java.time.Instant.ofEpochMilli(f.clock.wallMillis() + 3_600_000));
    }

    @Test
    void remainingCountsCallsInFlightAndTakesTheMostRestrictiveWindow() {
        PoolFixture f = new PoolFixture(withDefault(100), "tok-a", "tok-b");
        TokenLease a = f.take();
        TokenLease b = f.take();
        String aName = a.fingerprint().equals(fp("tok-a")) ? "tok-a" : "tok-b";
        String bName = aName.equals("tok-a") ? "tok-b" : "tok-a";
        assertThat(f.status(aName).inFlight()).isEqualTo(1);
        a.complete(200, new RateLimitObservation(null, List.of(
                new dev.rlproxy.core.headers.RateLimitWindow("requests", 100, 80, f.clock.wallMillis() + 60_000),
                new dev.rlproxy.core.headers.RateLimitWindow("tokens", 100, 40, f.clock.wallMillis() + 60_000)),
                false, false, -1));
        assertThat(f.status(aName).remaining()).isEqualTo(40);
        b.complete(200, RateLimitObservation.EMPTY);
        assertThat(f.status(bName).remaining()).as("no headers: the call still counts").isEqualTo(99);
    }

    @Test
    void aLateAnswerFromTheSameWindowNeverRaisesRemaining() {
        PoolFixture f = new PoolFixture(withDefault(100), "tok-a");
        TokenLease early = f.take();
        TokenLease late = f.take();
        late.complete(200, f.window(100, 50, 60));
        early.complete(200, f.window(100, 51, 60));
        assertThat(f.status("tok-a").remaining()).isEqualTo(50);
    }

    @Test
    void aThrottledResponseSpendsTheTokenUntilRetryAfter() {
        PoolFixture f = new PoolFixture("tok-a");
        f.take().complete(429, f.throttled(30));
        assertThat(f.status("tok-a").state()).isEqualTo(TokenState.SPENT);
        assertThat(failure(f.checkout(0)).retryAfterNanos()).isEqualTo(31 * SECOND);
        f.advanceSeconds(31);
        assertThat(f.status("tok-a").state()).isEqualTo(TokenState.ACTIVE);
    }

    @Test
    void aThrottleWithoutRetryAfterIsAShortBackOffAndQueuedCheckoutsKeepWaiting() {
        PoolFixture f = new PoolFixture("tok-a");
        RateLimitObservation bare = new RateLimitObservation(null, List.of(), true, false, -1);
        TokenLease inFlight = f.take();
        CompletableFuture<TokenLease> queued = f.checkout(60);
        inFlight.complete(429, bare);

        assertThat(queued).as("waits out the back-off instead of being refused").isNotDone();
        f.scheduler.advanceNanos(SECOND - 1);
        assertThat(queued).isNotDone();
        f.scheduler.advanceNanos(1);
        queued.join().complete(429, bare);

        assertThat(failure(f.checkout(0)).retryAfterNanos()).as("in a row: doubled").isEqualTo(2 * SECOND);
        f.advanceSeconds(2);
        f.take().complete(200, RateLimitObservation.EMPTY);
        f.take().complete(429, bare);
        assertThat(failure(f.checkout(0)).retryAfterNanos()).as("after a good answer: 1 s again").isEqualTo(SECOND);
    }

    @Test
    void aForbiddenResponseSpendsTheTokenOnlyWhenTheObservationSaysThrottled() {
        PoolFixture f = new PoolFixture(withDefault(5000), "tok-a");
        f.take().complete(403, f.window(5000, 10, 3600));
        assertThat(f.status("tok-a").state()).as("a plain 403 is not a rate limit").isEqualTo(TokenState.ACTIVE);

        RateLimitObservation githubSpent = new RateLimitObservation(null,
                List.of(new dev.rlproxy.core.headers.RateLimitWindow("core", 5000, 0, f.clock.wallMillis() + 900_000)),
                true, false, -1);
        f.take().complete(403, githubSpent);
        assertThat(f.status("tok-a").state()).isEqualTo(TokenState.SPENT);
        assertThat(failure(f.checkout(0)).retryAfterNanos()).isEqualTo(901 * SECOND);
    }

    @Test
    void releaseAndAbandonAreIdempotent() {
        PoolFixture f = new PoolFixture(withDefault(100), "tok-a");
        TokenLease lease = f.take();
        lease.complete(200, RateLimitObservation.EMPTY);
        lease.complete(200, RateLimitObservation.EMPTY);
        lease.abandon(true);
        TokenStatus status = f.status("tok-a");
        assertThat(status.inFlight()).isZero();
        assertThat(status.remaining()).isEqualTo(99);
        assertThat(status.lastCheckout()).isEqualTo(java.time.Instant.ofEpochMilli(f.clock.wallMillis()));
    }

    @Test
    void rejectsANegativeWait() {
        PoolFixture f = new PoolFixture("tok-a");
        assertThatThrownBy(() -> f.pool.checkout(-1, null)).isInstanceOf(IllegalArgumentException.class);
    }

    static TokenUnavailableException failure(CompletableFuture<TokenLease> future) {
        assertThat(future).isCompletedExceptionally();
        try {
            future.join();
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(TokenUnavailableException.class);
            return (TokenUnavailableException) e.getCause();
        }
        throw new AssertionError("unreachable");
    }
}
