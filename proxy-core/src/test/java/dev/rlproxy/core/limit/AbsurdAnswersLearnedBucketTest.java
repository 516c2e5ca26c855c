package dev.rlproxy.core.limit;

import dev.rlproxy.core.headers.GitHubHeaders;
import dev.rlproxy.core.headers.RateLimitObservation;
import dev.rlproxy.core.headers.RateLimitWindow;
import dev.rlproxy.core.headers.ResponseHeaders;
import dev.rlproxy.core.headers.UpstreamResponse;
import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Learned buckets do not believe absurd answers either: a limit of 0 is no information, and no
 * reset or retry-after holds a bucket longer than {@code maxResetWait} (10 min here) plus the
 * 500 ms reset margin.
 */
class AbsurdAnswersLearnedBucketTest {

    private static final long SECOND = 1_000_000_000L;
    private static final Duration MAX_RESET_WAIT = Duration.ofMinutes(10);

    private final ManualClock clock = new ManualClock();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final LocalRateLimiter limiter = new LocalRateLimiter(clock, scheduler,
            new LimiterSettings(100, Duration.ofMillis(500), MAX_RESET_WAIT));

    private CompletableFuture<Ticket> acquireNow() {
        return limiter.acquire(new TicketRequest(List.of(), new LearnedRef("s", "GET /x", null), 1, 0));
    }

    private RateLimitObservation github(int status, String... headers) {
        return new GitHubHeaders().parse(new UpstreamResponse(status, ResponseHeaders.of(headers)), clock.wallMillis());
    }

    @Test
    void aLimitOfZeroIsNoInformation() {
        acquireNow().join().complete(new RateLimitObservation(null,
                List.of(new RateLimitWindow("core", 0, 0, clock.wallMillis() + 60_000)), false, false, -1));

        assertThat(acquireNow()).isCompleted();
    }

    @Test
    void aHugeRetryAfterHoldsTheBucketOnlyUntilTheClamp() {
        acquireNow().join().complete(github(429, "Retry-After", "99999999"));
        assertThat(acquireNow()).isCompletedExceptionally();

        scheduler.advanceNanos(MAX_RESET_WAIT.toNanos() + SECOND / 2);

        assertThat(acquireNow()).isCompleted();
    }

    @Test
    void aResetYearsAheadHoldsTheBucketOnlyUntilTheClamp() {
        long inThreeYears = clock.wallMillis() / 1000 + 3L * 365 * 86_400;
        acquireNow().join().complete(github(200, "X-RateLimit-Limit", "5000", "X-RateLimit-Remaining", "0",
                "X-RateLimit-Reset", Long.toString(inThreeYears)));
        assertThat(LocalRateLimiterTest.refusal(acquireNow()).retryAfterNanos())
                .isEqualTo(MAX_RESET_WAIT.toNanos() + SECOND / 2);

        scheduler.advanceNanos(MAX_RESET_WAIT.toNanos() + SECOND / 2);

        assertThat(acquireNow()).isCompleted();
    }

    @Test
    void absurdNumbersGivenDirectlyNeverOverflow() {
        acquireNow().join().complete(new RateLimitObservation(null,
                List.of(new RateLimitWindow("core", 10, 0, Long.MAX_VALUE)), true, false, Long.MAX_VALUE));

        scheduler.advanceNanos(MAX_RESET_WAIT.toNanos() + SECOND / 2);

        assertThat(acquireNow()).isCompleted();
    }
}
