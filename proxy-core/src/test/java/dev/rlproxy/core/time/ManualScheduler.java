package dev.rlproxy.core.time;

import java.util.PriorityQueue;

/**
 * A {@link Scheduler} for tests: tasks run, in due order, when {@link #advance} moves the clock
 * past their time. Single-threaded and deterministic.
 */
public final class ManualScheduler implements Scheduler {

    private final ManualClock clock;
    private final PriorityQueue<Task> tasks = new PriorityQueue<>();
    private long sequence;

    public ManualScheduler(ManualClock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized Cancellable schedule(Runnable task, long delayNanos) {
        Task t = new Task(clock.nanoTime() + Math.max(0, delayNanos), sequence++, task);
        tasks.add(t);
        return () -> {
            synchronized (ManualScheduler.this) {
                tasks.remove(t);
            }
        };
    }

    /** Moves the clock forward by {@code nanos}, running each task when its time comes. */
    public void advanceNanos(long nanos) {
        long target = clock.nanoTime() + nanos;
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.peek();
                if (next == null || next.dueNanos > target) {
                    break;
                }
                tasks.poll();
            }
            if (next.dueNanos > clock.nanoTime()) {
                clock.advanceNanos(next.dueNanos - clock.nanoTime());
            }
            next.task.run();
        }
        if (target > clock.nanoTime()) {
            clock.advanceNanos(target - clock.nanoTime());
        }
    }

    /** Runs the tasks that are due now, without moving the clock. */
    public void runDue() {
        advanceNanos(0);
    }

    public synchronized int pending() {
        return tasks.size();
    }

    private record Task(long dueNanos, long seq, Runnable task) implements Comparable<Task> {
        @Override
        public int compareTo(Task o) {
            int byTime = Long.compare(dueNanos, o.dueNanos);
            return byTime != 0 ? byTime : Long.compare(seq, o.seq);
        }
    }
}
