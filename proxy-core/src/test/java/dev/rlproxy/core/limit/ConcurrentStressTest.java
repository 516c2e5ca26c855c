package dev.rlproxy.core.limit;

import dev.rlproxy.core.headers.RateLimitObservation;
import dev.rlproxy.core.time.Clock;
import dev.rlproxy.core.time.Scheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real threads on the system clock, bounded iterations: several threads hammer two overlapping
 * buckets (one exact, one with sub-window counters) with single and multi-bucket requests; the
 * recorded admission times keep the window promise for both. Counts are asserted, not timing.
 */
class ConcurrentStressTest {

    @Test
    @Timeout(60)
    void threadsNeverPushAWindowOverItsLimit() throws Exception {
        ScheduledExecutorService timers = new ScheduledThreadPoolExecutor(1);
        Scheduler scheduler = (task, delayNanos) -> {
            var f = timers.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        };
        Clock clock = Clock.system();
        LocalRateLimiter limiter = new LocalRateLimiter(clock, scheduler, new LimiterSettings(1_000, Duration.ZERO));
        BucketRef small = new BucketRef("small", new BucketLimit(50, Duration.ofMillis(20), 50));
        BucketRef large = new BucketRef("large", BucketLimit.of(2_000, Duration.ofMillis(50)));
        List<Long> smallTimes = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Long> largeTimes = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger granted = new AtomicInteger();
        int threads = 4;
        int perThread = 1_500;
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers.add(new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    boolean both = (i + id) % 3 == 0;
                    List<BucketRef> refs = both ? List.of(large, small) : List.of(id % 2 == 0 ? small : large);
                    // The worker (not the limiter) waits for its ticket: a few requests in flight at once.
                    Ticket ticket = limiter.acquire(new TicketRequest(refs, null, 1, Long.MAX_VALUE)).join();
                    // Admission time is taken under the bucket locks; read it from the ticket.
                    long at = ((GrantedTicket) ticket).admittedAtNanos();
                    if (refs.contains(small)) {
                        smallTimes.add(at);
                    }
                    if (refs.contains(large)) {
                        largeTimes.add(at);
                    }
                    granted.incrementAndGet();
                    ticket.complete(RateLimitObservation.EMPTY);
                }
            }));
        }
        workers.forEach(Thread::start);
        for (Thread w : workers) {
            w.join();
        }
        timers.shutdownNow();

        assertThat(granted.get()).isEqualTo(threads * perThread);
        assertThat(limiter.queueDepth()).isZero();
        assertThat(WindowCheck.violation(smallTimes, 50, Duration.ofMillis(20).toNanos())).isNull();
        assertThat(WindowCheck.violation(largeTimes, 2_000, Duration.ofMillis(50).toNanos())).isNull();
    }
}
