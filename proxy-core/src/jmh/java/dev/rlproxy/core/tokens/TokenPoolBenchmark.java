package dev.rlproxy.core.tokens;

import dev.rlproxy.core.headers.RateLimitObservation;
import dev.rlproxy.core.time.Clock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Cost of a token checkout that goes now and its release with a plain 200, alone and with two
 * threads sharing the pool: what every pooled-token request pays. The pool's assumed limit is far
 * above what a run can spend, so no checkout ever waits.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class TokenPoolBenchmark {

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
}
