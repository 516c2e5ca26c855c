package dev.rlproxy.core.tokens;

import static dev.rlproxy.core.tokens.PoolFixture.SECOND;
import static dev.rlproxy.core.tokens.TokenPoolCheckoutTest.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rlproxy.core.headers.RateLimitObservation;
import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Background refresh, single flight, back-off, expiry, and how a pool sees a generated token. */
class RefreshingCredentialTest {

    private final ManualClock clock = new ManualClock();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final ScriptedGenerator generator = new ScriptedGenerator();
    private final RefreshingCredential credential =
            new RefreshingCredential("billing-api", generator, Duration.ofSeconds(60), clock, scheduler);

    @Test
    void concurrentRefreshesShareOneCallToTheGenerator() {
        CompletableFuture<GeneratedCredential> first = credential.refresh();
        CompletableFuture<GeneratedCredential> second = credential.refresh();
        CompletableFuture<GeneratedCredential> third = credential.refresh();
        assertThat(generator.calls).hasSize(1);

        generator.succeed(0, "gen-1", 120);
        assertThat(first.join().token().value()).isEqualTo("gen-1");
        assertThat(second.join()).isEqualTo(first.join());
        assertThat(third.join()).isEqualTo(first.join());
        credential.refresh();
        assertThat(generator.calls).as("a new refresh after the last one ended").hasSize(2);
    }

    @Test
    void refreshesRefreshBeforeAheadOfExpiryOnTheScheduler() {
        credential.start();
        generator.succeed(0, "gen-1", 120);
        scheduler.advanceNanos(59 * SECOND);
        assertThat(generator.calls).hasSize(1);
        scheduler.advanceNanos(SECOND);
        assertThat(generator.calls).hasSize(2);
        generator.succeed(1, "gen-2", 120);
        assertThat(credential.current()).map(Secret::value).contains("gen-2");
    }

    @Test
    void aFailedRefreshKeepsTheValidTokenAndRetriesWithBackOff() {
        credential.start();
        generator.succeed(0, "gen-1", 120);
        scheduler.advanceNanos(60 * SECOND);
        generator.fail(1);
        assertThat(credential.current()).map(Secret::value).as("still valid").contains("gen-1");

        scheduler.advanceNanos(SECOND);
        assertThat(generator.calls).as("retry after 1s").hasSize(3);
        generator.fail(2);
        scheduler.advanceNanos(SECOND);
        assertThat(generator.calls).as("not yet: back-off is 2s now").hasSize(3);
        scheduler.advanceNanos(SECOND);
        assertThat(generator.calls).hasSize(4);
        generator.fail(3);
        scheduler.advanceNanos(4 * SECOND);
        assertThat(generator.calls).as("then 4s").hasSize(5);
        generator.succeed(4, "gen-2", 3600);
        assertThat(credential.current()).map(Secret::value).contains("gen-2");
    }

    @Test
    void anExpiredTokenWithoutReplacementIsPendingAndCheckoutsWaitForTheNextOne() {
        TokenPool pool = new TokenPool("generated", TokenPoolSettings.DEFAULTS, clock, scheduler);
        pool.reconcile(List.of(TokenSource.generated(credential)));
        assertThat(pool.status()).extracting(TokenStatus::state).containsExactly(TokenState.PENDING);

        CompletableFuture<TokenLease> waiting = pool.checkout(10 * SECOND, Set.of());
        assertThat(waiting).as("no first token yet").isNotDone();
        assertThat(failure(pool.checkout(0, Set.of())).reason()).isEqualTo(TokenUnavailableException.Reason.EXHAUSTED);
        generator.succeed(0, "gen-1", 120);
        TokenLease lease = waiting.join();
        assertThat(lease.secret()).isEqualTo("gen-1");
        assertThat(lease.fingerprint()).as("a stable entry, not the token's own fingerprint")
                .isEqualTo(credential.fingerprint()).isNotEqualTo(Fingerprint.of("gen-1"));
        lease.complete(200, RateLimitObservation.EMPTY);

        scheduler.advanceNanos(60 * SECOND);
        generator.fail(1);
        scheduler.advanceNanos(SECOND);
        generator.fail(2);
        scheduler.advanceNanos(59 * SECOND);
        assertThat(pool.status()).extracting(TokenStatus::state).containsExactly(TokenState.PENDING);
        CompletableFuture<TokenLease> afterExpiry = pool.checkout(5 * SECOND, Set.of());
        assertThat(afterExpiry).isNotDone();
        generator.succeed(generator.calls.size() - 1, "gen-2", 120);
        assertThat(afterExpiry.join().secret()).isEqualTo("gen-2");
    }

    @Test
    void aPendingCheckoutGivesUpAtItsDeadline() {
        TokenPool pool = new TokenPool("generated", TokenPoolSettings.DEFAULTS, clock, scheduler);
        pool.reconcile(List.of(TokenSource.generated(credential)));
        CompletableFuture<TokenLease> waiting = pool.checkout(5 * SECOND, Set.of());
        scheduler.advanceNanos(5 * SECOND);
        assertThat(failure(waiting).getMessage()).contains("1 pending");
    }

    @Test
    void stoppingEndsTheRefreshes() {
        credential.start();
        generator.succeed(0, "gen-1", 120);
        credential.stop();
        scheduler.advanceNanos(300 * SECOND);
        assertThat(generator.calls).hasSize(1);
        assertThat(scheduler.pending()).isZero();
    }

    /** A generator whose answers the test gives, one call at a time. */
    private final class ScriptedGenerator implements CredentialGenerator {
        final List<CompletableFuture<GeneratedCredential>> calls = new ArrayList<>();

        @Override
        public CompletableFuture<GeneratedCredential> generate() {
            CompletableFuture<GeneratedCredential> call = new CompletableFuture<>();
            calls.add(call);
            return call;
        }

        void succeed(int call, String token, long lifetimeSeconds) {
            Instant expiresAt = Instant.ofEpochMilli(clock.wallMillis()).plusSeconds(lifetimeSeconds);
            calls.get(call).complete(new GeneratedCredential(Secret.of(token), expiresAt));
        }

        void fail(int call) {
            calls.get(call).completeExceptionally(new IllegalStateException("token endpoint unavailable"));
        }
    }
}
