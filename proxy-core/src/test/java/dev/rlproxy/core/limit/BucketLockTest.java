package dev.rlproxy.core.limit;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The bucket's own lock (an int and, under contention, its monitor) excludes and never loses a waiter. */
class BucketLockTest {

    private static final int THREADS = 4;
    private static final int ROUNDS = 200_000;

    /** Unguarded by anything but the bucket lock: a lost update shows a broken lock. */
    private long counter;

    @Test
    void contendingThreadsEachGetTheLockAndNoUpdateIsLost() throws Exception {
        InFlightBucket bucket = new InFlightBucket("k", 1);
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            Thread thread = new Thread(() -> {
                awaitQuietly(start);
                for (int i = 0; i < ROUNDS; i++) {
                    bucket.lock();
                    try {
                        counter++;
                        if (i % 1_000 == 0) {
                            Thread.yield(); // a holder that loses its core makes the others wait on the monitor
                        }
                    } finally {
                        bucket.unlock();
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join(TimeUnit.MINUTES.toMillis(2));
            assertThat(thread.isAlive()).as("a thread still waits for the lock: a wake-up was lost").isFalse();
        }
        bucket.lock();
        try {
            assertThat(counter).isEqualTo((long) THREADS * ROUNDS);
        } finally {
            bucket.unlock();
        }
    }

    @Test
    void anInterruptWhileWaitingIsKeptButDoesNotAbandonTheLock() throws Exception {
        InFlightBucket bucket = new InFlightBucket("k", 1);
        boolean[] gotItInterrupted = new boolean[1];
        bucket.lock();
        Thread waiter = new Thread(() -> {
            bucket.lock();
            gotItInterrupted[0] = Thread.currentThread().isInterrupted();
            bucket.unlock();
        });
        waiter.start();
        while (waiter.getState() != Thread.State.WAITING) {
            Thread.onSpinWait(); // spinning, then waiting on the monitor
        }
        waiter.interrupt();
        bucket.unlock();
        waiter.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(waiter.isAlive()).isFalse();
        assertThat(gotItInterrupted[0]).as("the lock was taken, with the interrupt flag still set").isTrue();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
