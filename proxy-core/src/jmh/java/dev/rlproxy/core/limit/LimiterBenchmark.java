package dev.rlproxy.core.limit;

import dev.rlproxy.core.headers.RateLimitObservation;
import dev.rlproxy.core.time.Clock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Cost of a go-now decision. Run from the repository root with
 * {@code ./mvnw -B -pl proxy-core -Pbench test-compile exec:exec@jmh} (arguments for JMH in
 * {@code -Djmh.args="..."}, default {@code -f 1 -wi 2 -i 3 -w 1s -r 2s -prof gc}).
 *
 * <p>The limits are chosen so that every decision goes now: the window never fills, so what is
 * measured is the lookup, check and record of an admission, not a refusal.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class LimiterBenchmark {

    private final Clock clock = Clock.system();
    /** Exact sliding log (limit ≤ 1024); a 1 ns window is always clear again. */
    private ConfiguredBucket slidingLog;
    /** Sub-window counters (limit above 1024) with a limit that is never reached. */
    private ConfiguredBucket counters;
    private LocalRateLimiter limiter;
    private TicketRequest request;
    /** As the proxy asks on every request: stamped at send, with a learned bucket for the token. */
    private TicketRequest proxyRequest;

    @Setup
    public void setUp() {
        slidingLog = new ConfiguredBucket("log", new ConfiguredBuckets.KeyGroup("log"), BucketLimit.of(1_000, Duration.ofNanos(1)), clock.nanoTime());
        counters = new ConfiguredBucket("counters", new ConfiguredBuckets.KeyGroup("counters"), BucketLimit.of(1_000_000_000_000_000L, Duration.ofSeconds(1)),
                clock.nanoTime());
        limiter = new LocalRateLimiter(clock, (task, delay) -> () -> { }, LimiterSettings.DEFAULTS);
        request = new TicketRequest(List.of(new BucketRef("github/core/token=sha256:1a2b3c4d",
                BucketLimit.of(1_000, Duration.ofNanos(1)))), null, 1, 0);
        proxyRequest = new TicketRequest(List.of(new BucketRef("bench/generous",
                BucketLimit.of(1_000_000_000_000_000L, Duration.ofSeconds(1)))),
                new LearnedRef("bench|sha256:1a2b3c4d", "GET /x", null), 1, 0, true);
    }

    /** The bucket decision alone (lock, check, record, unlock): must not allocate. */
    @Benchmark
    public boolean decideSlidingLog() {
        return decide(slidingLog);
    }

    @Benchmark
    public boolean decideSubWindowCounters() {
        return decide(counters);
    }

    /** Two threads deciding on the same bucket. */
    @Benchmark
    @Threads(2)
    public boolean decideSlidingLogContended() {
        return decide(slidingLog);
    }

    /** The whole acquire on the go-now path: lookup, decision and the ticket (its own completed future; the only allocation). */
    @Benchmark
    public Ticket acquireGoNow() {
        Ticket ticket = limiter.acquire(request).join();
        ticket.complete(RateLimitObservation.EMPTY);
        return ticket;
    }

    /** The whole ticket cycle of one proxied request: acquire, sent, complete with the answer, release. */
    @Benchmark
    public Ticket ticketCycle() {
        Ticket ticket = limiter.acquire(proxyRequest).join();
        ticket.sent();
        ticket.complete(RateLimitObservation.EMPTY);
        ticket.release();
        return ticket;
    }

    @Benchmark
    @Threads(2)
    public Ticket acquireGoNowContended() {
        Ticket ticket = limiter.acquire(request).join();
        ticket.complete(RateLimitObservation.EMPTY);
        return ticket;
    }

    private boolean decide(ConfiguredBucket bucket) {
        bucket.lock();
        try {
            long now = clock.nanoTime();
            if (bucket.refreshEarliestNanos(now, 1) <= now) {
                bucket.admit(now, 1);
                return true;
            }
            return false;
        } finally {
            bucket.unlock();
        }
    }
}
