package dev.rlproxy.core.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rlproxy.core.headers.RateLimitObservation;
import dev.rlproxy.core.headers.RateLimitWindow;
import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Three tokens with different real limits (5, 10, 20 a minute, fixed windows), a pool that only
 * assumes 5 until told, and a random mix of checkouts, releases, lost responses and passing time:
 * the pool never has more calls out on a token than the upstream still allows it.
 */
class TokenPoolPropertyTest {

    private static final long WINDOW_MILLIS = 60_000;
    private static final Map<String, Long> REAL_LIMITS = Map.of("tok-5", 5L, "tok-10", 10L, "tok-20", 20L);

    static LongStream seeds() {
        return LongStream.range(0, 200);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void neverChecksOutATokenBeyondItsRemaining(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ManualClock clock = new ManualClock();
        ManualScheduler scheduler = new ManualScheduler(clock);
        TokenPool pool = new TokenPool("sim", TokenPoolSettings.DEFAULTS.withDefaultLimit(5, Duration.ofMinutes(1)),
                clock, scheduler);
        pool.reconcile(List.of(TokenSource.staticValues(List.of("tok-5", "tok-10", "tok-20"))));
        Upstream upstream = new Upstream(clock);
        List<TokenLease> outstanding = new ArrayList<>();
        int checkouts = 0;

        for (int step = 0; step < 400; step++) {
            int op = random.nextInt(100);
            if (op < 45) {
                CompletableFuture<TokenLease> future = pool.checkout(0, Set.of());
                if (!future.isCompletedExceptionally()) {
                    TokenLease lease = future.join();
                    outstanding.add(lease);
                    checkouts++;
                    String token = lease.secret();
                    long out = outstanding.stream().filter(l -> l.secret().equals(token)).count();
                    assertThat(out).as("seed %d step %d: %s has %d calls out, upstream allows %d",
                            seed, step, lease.fingerprint(), out, upstream.remaining(token)).isLessThanOrEqualTo(upstream.remaining(token));
                }
            } else if (op < 80 && !outstanding.isEmpty()) {
                TokenLease lease = outstanding.remove(random.nextInt(outstanding.size()));
                int status = upstream.call(lease.secret());
                assertThat(status).as("seed %d step %d: upstream refused %s", seed, step, lease.fingerprint()).isEqualTo(200);
                lease.complete(status, random.nextInt(10) == 0 ? RateLimitObservation.EMPTY : upstream.observe(lease.secret()));
            } else if (op < 85 && !outstanding.isEmpty()) {
                // The connection failed before the request reached the upstream.
                outstanding.remove(random.nextInt(outstanding.size())).abandon(false);
            } else {
                scheduler.advanceNanos(random.nextLong(5_000_000_000L));
            }
        }
        assertThat(checkouts).as("seed %d: the simulation exercised the pool", seed).isGreaterThan(20);
    }

    /** The upstream's truth: fixed one-minute windows per token. */
    private static final class Upstream {
        private final ManualClock clock;
        private final Map<String, Long> usedInWindow = new HashMap<>();
        private final Map<String, Long> windowOf = new HashMap<>();

        Upstream(ManualClock clock) {
            this.clock = clock;
        }

        long remaining(String token) {
            roll(token);
            return REAL_LIMITS.get(token) - usedInWindow.getOrDefault(token, 0L);
        }

        int call(String token) {
            if (remaining(token) <= 0) {
                return 429;
            }
            usedInWindow.merge(token, 1L, Long::sum);
            return 200;
        }

        RateLimitObservation observe(String token) {
            long reset = (clock.wallMillis() / WINDOW_MILLIS + 1) * WINDOW_MILLIS;
            return new RateLimitObservation(null,
                    List.of(new RateLimitWindow("core", REAL_LIMITS.get(token), remaining(token), reset)), false, false, -1);
        }

        private void roll(String token) {
            long window = clock.wallMillis() / WINDOW_MILLIS;
            if (windowOf.getOrDefault(token, -1L) != window) {
                windowOf.put(token, window);
                usedInWindow.put(token, 0L);
            }
        }
    }
}
