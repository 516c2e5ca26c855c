package dev.rlproxy.core.tokens;

import static dev.rlproxy.core.tokens.PoolFixture.SECOND;
import static dev.rlproxy.core.tokens.PoolFixture.fp;
import static dev.rlproxy.core.tokens.PoolFixture.withDefault;
import static dev.rlproxy.core.tokens.TokenPoolCheckoutTest.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rlproxy.core.headers.RateLimitObservation;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** 401 quarantine with back-off and probes; reconciling the pool with its configured sources. */
class TokenPoolQuarantineAndReconcileTest {

    @Test
    void anUnauthorizedTokenIsQuarantinedAndOthersServe() {
        PoolFixture f = new PoolFixture("tok-a", "tok-b");
        f.checkoutExpecting("tok-a").complete(401, RateLimitObservation.EMPTY);
        assertThat(f.status("tok-a").state()).isEqualTo(TokenState.QUARANTINED);
        for (int i = 0; i < 4; i++) {
            TokenLease lease = f.take();
            assertThat(lease.fingerprint()).isEqualTo(fp("tok-b"));
            lease.complete(200, RateLimitObservation.EMPTY);
        }
    }

    @Test
    void quarantineBacksOffExponentiallyWithOneProbeEachTime() {
        PoolFixture f = new PoolFixture("tok-a");
        f.take().complete(401, RateLimitObservation.EMPTY);

        TokenUnavailableException e = failure(f.checkout(0));
        assertThat(e.retryAfterNanos()).as("first quarantine: 30s").isEqualTo(30 * SECOND);
        f.advanceSeconds(30);
        TokenLease probe = f.take();
        assertThat(failure(f.checkout(0)).reason()).as("only one probe at a time")
                .isEqualTo(TokenUnavailableException.Reason.EXHAUSTED);
        probe.complete(401, RateLimitObservation.EMPTY);

        assertThat(failure(f.checkout(0)).retryAfterNanos()).as("second quarantine: 60s").isEqualTo(60 * SECOND);
        f.advanceSeconds(60);
        f.take().complete(401, RateLimitObservation.EMPTY);
        assertThat(failure(f.checkout(0)).retryAfterNanos()).as("third: 120s").isEqualTo(120 * SECOND);
        f.advanceSeconds(120);

        f.take().complete(200, RateLimitObservation.EMPTY);
        assertThat(f.status("tok-a").state()).as("a successful probe restores it").isEqualTo(TokenState.ACTIVE);
        f.take().complete(200, RateLimitObservation.EMPTY);
        f.take().complete(401, RateLimitObservation.EMPTY);
        assertThat(failure(f.checkout(0)).retryAfterNanos()).as("back-off starts over").isEqualTo(30 * SECOND);
    }

    @Test
    void quarantineNeverExceedsItsMaximum() {
        PoolFixture f = new PoolFixture("tok-a");
        for (int i = 0; i < 12; i++) {
            f.take().complete(401, RateLimitObservation.EMPTY);
            f.advanceSeconds(failure(f.checkout(0)).retryAfterNanos() / SECOND);
        }
        f.take().complete(401, RateLimitObservation.EMPTY);
        assertThat(failure(f.checkout(0)).retryAfterNanos()).isEqualTo(3600 * SECOND);
    }

    @Test
    void aCheckoutWaitingOnAQuarantinedTokenGetsTheProbe() {
        PoolFixture f = new PoolFixture("tok-a");
        f.take().complete(401, RateLimitObservation.EMPTY);
        CompletableFuture<TokenLease> waiting = f.checkout(45);
        f.advanceSeconds(29);
        assertThat(waiting).isNotDone();
        f.advanceSeconds(1);
        assertThat(waiting.join().fingerprint()).isEqualTo(fp("tok-a"));
    }

    @Test
    void reconcileAddsNewTokensAndRetiresRemovedOnesAfterTheirLeasesEnd() {
        PoolFixture f = new PoolFixture("tok-a", "tok-b");
        TokenLease onA = f.checkoutExpecting("tok-a");

        f.pool.reconcile(List.of(TokenSource.staticValues(List.of("tok-b", "tok-c"))));
        assertThat(f.status("tok-a").state()).isEqualTo(TokenState.RETIRING);
        assertThat(f.status("tok-c").state()).isEqualTo(TokenState.ACTIVE);
        for (int i = 0; i < 6; i++) {
            TokenLease lease = f.take();
            assertThat(lease.fingerprint()).isNotEqualTo(fp("tok-a"));
            lease.complete(200, RateLimitObservation.EMPTY);
        }

        onA.complete(200, RateLimitObservation.EMPTY);
        assertThat(f.pool.status()).extracting(TokenStatus::fingerprint)
                .containsExactly(fp("tok-b"), fp("tok-c"));
    }

    @Test
    void aTokenThatStaysConfiguredKeepsItsState() {
        PoolFixture f = new PoolFixture(withDefault(10), "tok-a", "tok-b");
        f.checkoutExpecting("tok-a").complete(200, f.window(10, 0, 600));
        f.pool.reconcile(List.of(TokenSource.staticValues(List.of("tok-a")),
                TokenSource.staticValues(List.of("tok-c"))));
        assertThat(f.status("tok-a").state()).as("spent survives the reload").isEqualTo(TokenState.SPENT);
        assertThat(f.pool.status()).hasSize(2);
    }

    @Test
    void reconcilingToNothingFailsCheckoutsAndCloseFailsWaiters() {
        PoolFixture f = new PoolFixture(withDefault(10), "tok-a");
        f.take().complete(200, f.window(10, 0, 10));
        CompletableFuture<TokenLease> waiting = f.checkout(30);

        f.pool.close();
        assertThat(failure(waiting).reason()).isEqualTo(TokenUnavailableException.Reason.NO_TOKENS);
        assertThat(failure(f.checkout(30)).reason()).isEqualTo(TokenUnavailableException.Reason.NO_TOKENS);
        assertThatThrownBy(() -> f.pool.reconcile(List.of())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anEmptyPoolRefusesAtOnce() {
        PoolFixture f = new PoolFixture("tok-a");
        f.pool.reconcile(List.of());
        TokenUnavailableException e = failure(f.checkout(30));
        assertThat(e.reason()).isEqualTo(TokenUnavailableException.Reason.NO_TOKENS);
        assertThat(e.getMessage()).contains("'test'");
    }
}
