package dev.rlproxy.core.tokens;

import dev.rlproxy.core.headers.RateLimitObservation;
import dev.rlproxy.core.headers.RateLimitWindow;
import dev.rlproxy.core.time.Clock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Cost of a token checkout that goes now and its release with a plain 200, alone and with two
 * threads sharing the pool: what every pooled-token request pays. The pool's assumed limit is far
 * above what a run can spend, so no checkout ever waits.
 *
 * <p>{@link #queuedCheckoutServedByRelease} is the other regime: every call the tokens have left is
 * in flight, {@value #QUEUED} checkouts queue, and each release hands its token to the next one.
 * Reported per queued checkout (its checkout, the release that serves it, its own release).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class TokenPoolBenchmark {

    private static final int QUEUED = 100;
    /** Calls each of the three tokens has left, by every answer: the tokens' capacity in flight. */
    private static final int REMAINING_PER_TOKEN = 2;

    private TokenPool pool;

    @Setup
    public void setUp() {
        pool = new TokenPool("bench", TokenPoolSettings.DEFAULTS.withDefaultLimit(Long.MAX_VALUE / 4, Duration.ofHours(1)),
                Clock.system(), (task, delay) -> () -> { });
        pool.reconcile(List.of(TokenSource.staticValues(List.of("token-one", "token-two", "token-three"))));
    }

    @TearDown
    public void tearDown() {
        pool.close();
    }

    @Benchmark
    public TokenLease checkoutAndComplete() {
        return cycle();
    }

    @Benchmark
    @Threads(2)
    public TokenLease checkoutAndCompleteContended() {
        return cycle();
    }

    private TokenLease cycle() {
        TokenLease lease = pool.checkout(TimeUnit.SECONDS.toNanos(1), Set.of()).join();
        lease.complete(200, RateLimitObservation.EMPTY);
        return lease;
    }

    /** Three tokens whose every answer says {@value #REMAINING_PER_TOKEN} calls are left, all of them in flight. */
    @State(Scope.Thread)
    public static class BusyPool {
        TokenPool pool;
        RateLimitObservation answer;
        final ArrayDeque<TokenLease> inFlight = new ArrayDeque<>();
        @SuppressWarnings("unchecked")
        final CompletableFuture<TokenLease>[] queued = new CompletableFuture[QUEUED];

        @Setup
        public void setUp() {
            Clock clock = Clock.system();
            pool = new TokenPool("bench-busy", TokenPoolSettings.DEFAULTS, clock, (task, delay) -> () -> { });
            pool.reconcile(List.of(TokenSource.staticValues(List.of("token-one", "token-two", "token-three"))));
            answer = new RateLimitObservation(null, List.of(new RateLimitWindow("core", 5000, REMAINING_PER_TOKEN,
                    clock.wallMillis() + Duration.ofHours(1).toMillis())), false, false, -1);
            for (int i = 0; i < 3; i++) {
                pool.checkout(0, Set.of()).join().complete(200, answer); // first answers: the quota is known
            }
            for (int i = 0; i < 3 * REMAINING_PER_TOKEN; i++) {
                inFlight.add(pool.checkout(0, Set.of()).join());
            }
        }

        @TearDown
        public void tearDown() {
            pool.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(QUEUED)
    public int queuedCheckoutServedByRelease(BusyPool busy) {
        long maxWait = TimeUnit.MINUTES.toNanos(1);
        for (int i = 0; i < QUEUED; i++) {
            busy.queued[i] = busy.pool.checkout(maxWait, Set.of());
        }
        for (int i = 0; i < QUEUED; i++) {
            busy.inFlight.poll().complete(200, busy.answer);
            CompletableFuture<TokenLease> served = busy.queued[i];
            if (!served.isDone()) {
                throw new IllegalStateException("queued checkout " + i + " was not served by the release before it");
            }
            busy.inFlight.add(served.join());
        }
        return busy.inFlight.size();
    }
}
