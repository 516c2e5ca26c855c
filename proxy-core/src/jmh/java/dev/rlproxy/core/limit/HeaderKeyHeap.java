package dev.rlproxy.core.limit;

import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;

/**
 * Live heap held by header-scoped buckets, measured by hand (not a test, not timed). After
 * {@code ./mvnw -B -pl proxy-core -Pbench test-compile}:
 * {@code java -cp proxy-core/target/classes:proxy-core/target/test-classes:proxy-core/target/jmh-classes
 * dev.rlproxy.core.limit.HeaderKeyHeap 1000000 [maxKeys] [limit per second] [classes]}.
 * One request per distinct {@code X-User} value into a {@code limit: 10, per: 1s} bucket, as a
 * client rotating header values would send; prints the live heap after GC before, with every key
 * tracked, and once the keys have turned idle and the limiter's sweep has dropped them. With a
 * fourth argument, also the top {@code classes} lines of the live class histogram while every key
 * is tracked: where the bytes per key go.
 */
public final class HeaderKeyHeap {

    public static void main(String[] args) throws Exception {
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int maxKeys = args.length > 1 ? Integer.parseInt(args[1]) : Integer.MAX_VALUE;
        int perSecond = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int histogramLines = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        ManualClock clock = new ManualClock();
        ManualScheduler scheduler = new ManualScheduler(clock);
        LocalRateLimiter limiter = new LocalRateLimiter(clock, scheduler,
                new LimiterSettings(10_000, Duration.ofMillis(500), Duration.ofMillis(100)));
        BucketLimit limit = BucketLimit.of(perSecond, Duration.ofSeconds(1));
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
        long full = liveHeap();
        int live = limiter.configuredBucketCount();
        if (histogramLines > 0) {
            printHistogram(histogramLines);
        }
        // Every window is over; the limiter's periodic sweep (every minute) drops the idle keys.
        scheduler.advanceNanos(TimeUnit.MINUTES.toNanos(2));
        long swept = liveHeap();
        System.out.printf("keys sent %d, admitted %d, buckets live %d (%.0f bytes each); live heap %.1f MiB before, "
                        + "%.1f MiB with every key, %.1f MiB after the sweep (%d buckets left)%n",
                keys, admitted, live, (full - before) / (double) Math.max(1, live), before / 1048576.0,
                full / 1048576.0, swept / 1048576.0, limiter.configuredBucketCount());
        System.out.println(limiter.queueDepth()); // keeps the limiter reachable until here
    }

    /** The head of {@code jcmd GC.class_histogram} of this JVM (it runs a full GC first). */
    private static void printHistogram(int lines) throws Exception {
        String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {null}, new String[] {String[].class.getName()});
        histogram.lines().limit(lines + 3L).forEach(System.out::println);
    }

    private static long liveHeap() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100); // lets the collector finish; nothing here is timed
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
