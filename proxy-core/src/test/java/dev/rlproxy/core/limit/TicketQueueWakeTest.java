package dev.rlproxy.core.limit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rlproxy.core.headers.RateLimitObservation;
import dev.rlproxy.core.time.Clock;
import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import dev.rlproxy.core.time.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Waking a bucket's queue: a bucket nobody waits in is passed without its lock, and a waiter queued
 * while the capacity it waits for comes back is never left sleeping.
 */
class TicketQueueWakeTest {

    @Test
    void aBucketNobodyWaitsInIsPassedWithoutTakingItsLock() throws Exception {
        ManualClock clock = new ManualClock();
        TicketSettlement settlement = new TicketSettlement(clock, 0, 0);
        TicketQueue queue = new TicketQueue(clock, new ManualScheduler(clock), 10, settlement, request -> {
            throw new AssertionError("nobody waits, so no request is resolved");
        });
        settlement.wakes(queue);
        InFlightBucket one = new InFlightBucket("one", 1);
        InFlightBucket other = new InFlightBucket("other", 1);

        CountDownLatch woken = new CountDownLatch(1);
        one.lock(); // held here: a wake-up that took it would wait until the end of this test
        other.lock();
        try {
            Thread waker = new Thread(() -> {
                queue.wake(one);
                queue.wake(one, other);
                woken.countDown();
            });
            waker.setDaemon(true);
            waker.start();
            assertThat(woken.await(30, TimeUnit.SECONDS)).as("both wake-ups returned without the locks").isTrue();
        } finally {
            other.unlock();
            one.unlock();
        }
    }

    /**
     * Real threads on the system clock, bounded iterations: in-flight caps of one, so every ticket
     * but the first waits and only a release (which wakes the queue) lets the next one go; no timer
     * ever wakes anyone. A wake-up lost between a release and a waiter being queued leaves that
     * waiter, and every thread behind it, waiting for good.
     */
    @Test
    @Timeout(90)
    void aWaiterQueuedWhileASlotIsReleasedIsNeverLeftSleeping() throws Exception {
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);
        Scheduler scheduler = (task, delayNanos) -> {
            var f = timers.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        };
        LocalRateLimiter limiter = new LocalRateLimiter(Clock.system(), scheduler, new LimiterSettings(1_000, Duration.ZERO));
        BucketRef left = BucketRef.inFlight("left/", 1);
        BucketRef right = BucketRef.inFlight("right/", 1);
        int threads = 4;
        int perThread = 5_000;
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch granted = new CountDownLatch(threads * perThread);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        // Both caps, or one of them: wakes of one bucket and of several.
                        List<BucketRef> refs = (i + id) % 3 == 0 ? List.of(left, right) : List.of(id % 2 == 0 ? left : right);
                        Ticket ticket = limiter.acquire(new TicketRequest(refs, null, 1, Long.MAX_VALUE)).join();
                        granted.countDown();
                        ticket.complete(RateLimitObservation.EMPTY);
                        ticket.release();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            worker.setDaemon(true); // one stuck for good must not keep the test JVM alive
            worker.start();
            workers.add(worker);
        }
        start.countDown();
        boolean allGranted = granted.await(60, TimeUnit.SECONDS);
        timers.shutdownNow();

        assertThat(failure.get()).isNull();
        assertThat(allGranted).as("every ticket granted: %d still waiting for a wake-up", granted.getCount()).isTrue();
        for (Thread worker : workers) {
            worker.join(TimeUnit.SECONDS.toMillis(10));
        }
        assertThat(limiter.queueDepth()).isZero();
        assertThat(limiter.inFlight("left/")).isZero();
        assertThat(limiter.inFlight("right/")).isZero();
    }
}
