package dev.rlproxy.core.limit;

import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;

/**
 * Live heap held by header-scoped buckets, measured by hand (not a test, not timed). After
 * {@code ./mvnw -B -pl proxy-core -Pbench test-compile}:
 * {@code java -cp proxy-core/target/classes:proxy-core/target/jmh-classes dev.rlproxy.core.limit.HeaderKeyHeap 1000000 [maxKeys]}.
 * One request per distinct {@code X-User} value into a {@code limit: 1000, per: 1h} bucket, as a
 * client rotating header values would send; prints the live heap after GC before and after.
 */
public final class HeaderKeyHeap {

    public static void main(String[] args) throws Exception {
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int maxKeys = args.length > 1 ? Integer.parseInt(args[1]) : Integer.MAX_VALUE;
        ManualClock clock = new ManualClock();
        LocalRateLimiter limiter = new LocalRateLimiter(clock, new ManualScheduler(clock),
                new LimiterSettings(10_000, Duration.ofMillis(500), Duration.ofMillis(100)));
        BucketLimit limit = BucketLimit.of(1000, Duration.ofHours(1));
        long before = liveHeap();
        int admitted = 0;
        for (int i = 0; i < keys; i++) {
            String key = "github/per-user/X-User=user-" + (100_000_000 + i);
            TicketRequest request = new TicketRequest(
                    List.of(new BucketRef(key, limit, "github/per-user", maxKeys)), null, 1, 0);
            if (!limiter.acquire(request).isCompletedExceptionally()) {
                admitted++;
            }
        }
        long after = liveHeap();
        System.out.printf("keys sent %d, admitted %d, buckets live %d, live heap %.1f MiB -> %.1f MiB, %d bytes per live key%n",
                keys, admitted, limiter.configuredBucketCount(), before / 1048576.0, after / 1048576.0,
                (after - before) / Math.max(1, limiter.configuredBucketCount()));
        System.out.println(limiter.queueDepth()); // keeps the limiter reachable until here
    }

    private static long liveHeap() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
