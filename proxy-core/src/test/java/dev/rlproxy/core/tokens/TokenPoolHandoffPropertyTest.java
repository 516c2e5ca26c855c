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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random sequences of checkouts that may wait (some of them retries excluding a token), releases,
 * lost responses, withdrawn checkouts and passing time, against three tokens with small real limits,
 * so that checkouts queue often. After every step: no token has more calls out than the upstream
 * still allows it, every checkout whose wait is over has been answered, a checkout without
 * exclusions never gets a token while an earlier one without exclusions still waits, and the pool's
 * queue, in-flight counts and timers match what the test holds.
 */
class TokenPoolHandoffPropertyTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long WINDOW_MILLIS = 60_000;
    private static final Map<String, Long> REAL_LIMITS = Map.of("tok-2", 2L, "tok-3", 3L, "tok-5", 5L);
    private static final List<String> TOKENS = List.of("tok-2", "tok-3", "tok-5");

    private static final AtomicInteger SERVED_AFTER_WAITING = new AtomicInteger();

    static LongStream seeds() {
        return LongStream.range(0, 200);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyCheckoutIsServedInOrderOrRefusedByItsDeadlineAndNoTokenIsOverCommitted(long seed) {
        Run run = new Run(seed);
        for (int step = 0; step < 400; step++) {
            run.step(step);
            run.checkInvariants(step);
        }
        assertThat(run.waited).as("seed %d: the simulation made checkouts wait", seed).isGreaterThan(0);
        SERVED_AFTER_WAITING.addAndGet(run.servedAfterWaiting);
    }

    /** Whether one seed's waiting checkouts get served depends on its draw; across all of them, many must. */
    @AfterAll
    static void waitingCheckoutsWereServed() {
        assertThat(SERVED_AFTER_WAITING.get()).as("waiting checkouts served, all seeds").isGreaterThan(500);
    }

    private static final class Run {
        final long seed;
        final SplittableRandom random;
        final ManualClock clock = new ManualClock();
        final ManualScheduler scheduler = new ManualScheduler(clock);
        final TokenPool pool = new TokenPool("sim", TokenPoolSettings.DEFAULTS.withDefaultLimit(2, Duration.ofMinutes(1)),
                clock, scheduler);
        final Upstream upstream = new Upstream(clock);
        final List<TokenLease> outstanding = new ArrayList<>();
        /** Checkouts not yet answered, in arrival order. */
        final List<Pending> pending = new ArrayList<>();
        int servedAfterWaiting;
        int waited;
        int step;

        Run(long seed) {
            this.seed = seed;
            this.random = new SplittableRandom(seed);
            pool.reconcile(List.of(TokenSource.staticValues(TOKENS)));
        }

        void step(int step) {
            this.step = step;
            int op = random.nextInt(100);
            if (op < 35) {
                checkout();
            } else if (op < 65 && !outstanding.isEmpty()) {
                TokenLease lease = outstanding.remove(random.nextInt(outstanding.size()));
                int status = upstream.call(lease.secret());
                assertThat(status).as("seed %d step %d: the upstream refused %s", seed, step, lease.fingerprint())
                        .isEqualTo(200);
                lease.complete(status, random.nextInt(10) == 0 ? RateLimitObservation.EMPTY : upstream.observe(lease.secret()));
            } else if (op < 75 && !outstanding.isEmpty()) {
                // The connection failed before the request left: the call is the next waiter's.
                outstanding.remove(random.nextInt(outstanding.size())).abandon(false);
            } else if (op < 81 && !pending.isEmpty()) {
                pending.get(random.nextInt(pending.size())).future.cancel(false);
            } else {
                scheduler.advanceNanos(random.nextLong(4 * SECOND));
            }
            pending.removeIf(p -> p.future.isDone());
        }

        void checkout() {
            long maxWait = random.nextInt(4) == 0 ? 0 : random.nextLong(90 * SECOND);
            Set<String> excluded = random.nextInt(5) == 0
                    ? Set.of(Fingerprint.of(TOKENS.get(random.nextInt(TOKENS.size())))) : Set.of();
            Pending checkout = new Pending(excluded, clock.nanoTime() + maxWait);
            List<Pending> earlier = List.copyOf(pending);
            checkout.future = pool.checkout(maxWait, excluded);
            if (!checkout.future.isDone()) {
                waited++;
                pending.add(checkout);
                checkout.future.whenComplete((lease, error) -> {
                    if (lease != null) {
                        servedAfterWaiting++;
                        served(checkout, lease);
                    }
                });
            } else if (!checkout.future.isCompletedExceptionally()) {
                assertThat(earlier).as("seed %d step %d: a newcomer took a token while an earlier checkout waited",
                        seed, step).noneMatch(p -> p.excluded.isEmpty() && excluded.isEmpty() && !p.future.isDone());
                served(checkout, checkout.future.join());
            }
        }

        /** A checkout got its lease: check the order it was served in and the token's calls out. */
        void served(Pending checkout, TokenLease lease) {
            assertThat(checkout.excluded).as("seed %d step %d: got a token it excluded", seed, step)
                    .doesNotContain(lease.fingerprint());
            if (checkout.excluded.isEmpty()) {
                for (Pending earlier : pending) {
                    if (earlier == checkout) {
                        break;
                    }
                    assertThat(earlier.excluded.isEmpty() && !earlier.future.isDone())
                            .as("seed %d step %d: served out of order", seed, step).isFalse();
                }
            }
            outstanding.add(lease);
            String token = lease.secret();
            long out = outstanding.stream().filter(l -> l.secret().equals(token)).count();
            assertThat(out).as("seed %d step %d: %s has %d calls out, the upstream allows %d",
                    seed, step, lease.fingerprint(), out, upstream.remaining(token)).isLessThanOrEqualTo(upstream.remaining(token));
        }

        void checkInvariants(int step) {
            long now = clock.nanoTime();
            for (Pending p : pending) {
                assertThat(p.deadline - now > 0).as("seed %d step %d: a checkout still waits past its deadline", seed, step)
                        .isTrue();
            }
            assertThat(pool.waitingCheckouts()).as("seed %d step %d: the pool's queue", seed, step).isEqualTo(pending.size());
            int inFlight = pool.status().stream().mapToInt(TokenStatus::inFlight).sum();
            assertThat(inFlight).as("seed %d step %d: leases the pool counts vs leases held", seed, step)
                    .isEqualTo(outstanding.size());
            if (pending.isEmpty()) {
                assertThat(scheduler.pending()).as("seed %d step %d: timers with nobody waiting", seed, step).isZero();
            }
        }
    }

    private static final class Pending {
        final Set<String> excluded;
        final long deadline;
        CompletableFuture<TokenLease> future;

        Pending(Set<String> excluded, long deadline) {
            this.excluded = excluded;
            this.deadline = deadline;
        }
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
