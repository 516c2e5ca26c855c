package dev.rlproxy.core.tokens;

import dev.rlproxy.core.headers.RateLimitObservation;
import dev.rlproxy.core.headers.RateLimitWindow;
import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** A pool on a manual clock, with helpers to build upstream observations. */
final class PoolFixture {

    static final long SECOND = 1_000_000_000L;

    final ManualClock clock = new ManualClock();
    final ManualScheduler scheduler = new ManualScheduler(clock);
    final TokenPool pool;

    PoolFixture(TokenPoolSettings settings, String... tokens) {
        pool = new TokenPool("test", settings, clock, scheduler);
        pool.reconcile(List.of(TokenSource.staticValues(List.of(tokens))));
    }

    PoolFixture(String... tokens) {
        this(TokenPoolSettings.DEFAULTS, tokens);
    }

    /** A checkout that must succeed at once. */
    TokenLease take() {
        CompletableFuture<TokenLease> future = pool.checkout(0, Set.of());
        if (!future.isDone() || future.isCompletedExceptionally()) {
            throw new AssertionError("expected a token at once, got " + future);
        }
        return future.join();
    }

    /** Checks out until {@code token} comes up, returning the others: for tests that need a particular token. */
    TokenLease checkoutExpecting(String token) {
        List<TokenLease> others = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                TokenLease lease = take();
                if (lease.fingerprint().equals(Fingerprint.of(token))) {
                    return lease;
                }
                others.add(lease);
            }
            throw new AssertionError("never got " + Fingerprint.of(token));
        } finally {
            others.forEach(TokenLease::returnUnused);
        }
    }

    CompletableFuture<TokenLease> checkout(long maxWaitSeconds, String... excludedFingerprints) {
        return pool.checkout(maxWaitSeconds * SECOND, Set.of(excludedFingerprints));
    }

    /** One window: {@code remaining} of {@code limit} left, resetting {@code resetInSeconds} from now. */
    RateLimitObservation window(long limit, long remaining, long resetInSeconds) {
        return new RateLimitObservation(null,
                List.of(new RateLimitWindow("core", limit, remaining, clock.wallMillis() + resetInSeconds * 1000)),
                false, false, -1);
    }

    RateLimitObservation throttled(long retryAfterSeconds) {
        return new RateLimitObservation(null, List.of(), true, false, retryAfterSeconds * 1000);
    }

    void advanceSeconds(long seconds) {
        scheduler.advanceNanos(seconds * SECOND);
    }

    TokenStatus status(String token) {
        String fingerprint = Fingerprint.of(token);
        return pool.status().stream().filter(s -> s.fingerprint().equals(fingerprint)).findFirst()
                .orElseThrow(() -> new AssertionError("no status for " + fingerprint));
    }

    static TokenPoolSettings withDefault(long limit) {
        return TokenPoolSettings.DEFAULTS.withDefaultLimit(limit, Duration.ofHours(1));
    }

    static String fp(String token) {
        return Fingerprint.of(token);
    }
}
