package dev.rlproxy.core.limit;

import dev.rlproxy.core.headers.RateLimitObservation;
import dev.rlproxy.core.headers.RateLimitWindow;
import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Status views of the limiter: configured buckets' use in their window, learned buckets' reported windows. */
class BucketUsageTest {

    private static final long SECOND = 1_000_000_000L;

    private final ManualClock clock = new ManualClock();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final LocalRateLimiter limiter = new LocalRateLimiter(clock, scheduler,
            new LimiterSettings(100, Duration.ofMillis(500)));

    private void admit(String key, long limit, int times) {
        for (int i = 0; i < times; i++) {
            limiter.acquire(new TicketRequest(List.of(new BucketRef(key, BucketLimit.of(limit, Duration.ofSeconds(10)),
                    "g/" + key.substring(0, key.lastIndexOf('/')), 100)), null, 1, 0)).join().complete(RateLimitObservation.EMPTY);
        }
    }

    @Test
    void configuredBucketsShowUseInTheWindowBusiestFirstAndWhenTheNextSlotFrees() {
        admit("api/hourly/token=a", 5, 3);
        admit("api/hourly/token=b", 5, 1);
        scheduler.advanceNanos(2 * SECOND);
        admit("api/hourly/token=c", 5, 5);
        admit("other/hourly/token=a", 5, 5);

        Busiest<BucketUsage> usage = limiter.bucketUsage("api/hourly/", 2);

        assertThat(usage.total()).isEqualTo(3);
        assertThat(usage.top()).containsExactly(
                new BucketUsage("api/hourly/token=c", 5, 5, 10 * SECOND),
                new BucketUsage("api/hourly/token=a", 3, 5, 0));

        scheduler.advanceNanos(9 * SECOND); // a's and b's admissions have left the window, c's not yet
        assertThat(limiter.bucketUsage("api/hourly/", 3).top()).containsExactly(
                new BucketUsage("api/hourly/token=c", 5, 5, SECOND),
                new BucketUsage("api/hourly/token=a", 0, 5, 0),
                new BucketUsage("api/hourly/token=b", 0, 5, 0));
    }

    @Test
    void largeLimitsCountPerSubWindowNeverFewerThanAdmitted() {
        admit("api/big/", 5000, 7);

        BucketUsage usage = limiter.bucketUsage("api/big/", 1).top().get(0);

        assertThat(usage.used()).isEqualTo(7);
        assertThat(usage.limit()).isEqualTo(5000);
        assertThat(usage.nextFreeInNanos()).isZero();
    }

    @Test
    void learnedBucketsShowTheReportedWindowsLeastLeftFirst() {
        long resetIn = 60 * SECOND;
        report("api|sha256:aaaa", "GET /x", new RateLimitWindow("core", 5000, 4000, clock.wallMillis() + 60_000));
        report("api|sha256:bbbb", "GET /x", new RateLimitWindow("core", 5000, 12, clock.wallMillis() + 60_000));
        report("other|sha256:cccc", "GET /x", new RateLimitWindow("core", 5000, 0, clock.wallMillis() + 60_000));
        limiter.acquire(new TicketRequest(List.of(), new LearnedRef("api|sha256:dddd", "GET /y", null), 1, 0)).join();

        Busiest<LearnedUsage> usage = limiter.learnedUsage("api|", 1);

        // Each scope has its global bucket and one route bucket: 6 buckets, 2 of them reported.
        assertThat(usage.total()).isEqualTo(6);
        assertThat(usage.top()).containsExactly(
                new LearnedUsage("api|sha256:bbbb", "route:GET /x", "core", 5000, 12, resetIn, 0));
        assertThat(limiter.learnedUsage("api|", 5).top()).extracting(LearnedUsage::remaining).containsExactly(12L, 4000L);
    }

    private void report(String scope, String route, RateLimitWindow window) {
        limiter.acquire(new TicketRequest(List.of(), new LearnedRef(scope, route, null), 1, 0)).join()
                .complete(new RateLimitObservation(null, List.of(window), false, false, -1));
    }
}
