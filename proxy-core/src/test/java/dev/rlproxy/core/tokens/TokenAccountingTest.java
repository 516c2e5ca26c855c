package dev.rlproxy.core.tokens;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static dev.rlproxy.core.tokens.PoolFixture.withDefault;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request the proxy refused itself, or that never left because the connect failed, costs its
 * token nothing; one that may have reached the upstream costs a call. Waiting checkouts are bounded.
 */
class TokenAccountingTest {

    @Test
    void abandonedUnsentCostsNothingAbandonedMaybeSentCostsACall() {
        PoolFixture f = new PoolFixture(withDefault(100), "tok-a");

        f.take().abandon(false);
        assertThat(f.status("tok-a").remaining()).isEqualTo(100);
        assertThat(f.status("tok-a").inFlight()).isZero();

        f.take().abandon(true);
        assertThat(f.status("tok-a").remaining()).isEqualTo(99);
    }

    @Test
    void anUnsentProbeLeavesTheTokenOneAtATimeButUncounted() {
        PoolFixture f = new PoolFixture("tok-a"); // never heard from: one request at a time
        TokenLease first = f.take();
        assertThat(f.checkout(0)).isCompletedExceptionally();

        first.abandon(false);

        f.take().returnUnused();
        assertThat(f.status("tok-a").remaining()).isEqualTo(-1);
    }

    @Test
    void waitingCheckoutsBeyondTheBoundAreRefusedAtOnce() {
        PoolFixture f = new PoolFixture(withDefault(1).withBounds(Duration.ofHours(1), 2), "tok-a");
        TokenLease busy = f.take();
        List<CompletableFuture<TokenLease>> waiting = new ArrayList<>();
        waiting.add(f.checkout(10));
        waiting.add(f.checkout(10));
        assertThat(waiting).allSatisfy(w -> assertThat(w).isNotDone());
        assertThat(f.pool.waitingCheckouts()).isEqualTo(2);

        TokenUnavailableException refused = TokenPoolCheckoutTest.failure(f.checkout(10));

        assertThat(refused.reason()).isEqualTo(TokenUnavailableException.Reason.QUEUE_FULL);
        assertThat(refused.retryAfterNanos()).isPositive();
        assertThat(refused.getMessage()).doesNotContain("tok-a");
        waiting.get(0).cancel(false);
        assertThat(f.checkout(10)).as("room again once one left").isNotDone();
        busy.abandon(false);
    }

    @Test
    void aBoundOfZeroNeverQueues() {
        PoolFixture f = new PoolFixture(withDefault(1).withBounds(Duration.ofHours(1), 0), "tok-a");
        f.take();

        assertThat(TokenPoolCheckoutTest.failure(f.checkout(10)).reason())
                .isEqualTo(TokenUnavailableException.Reason.QUEUE_FULL);
    }
}
