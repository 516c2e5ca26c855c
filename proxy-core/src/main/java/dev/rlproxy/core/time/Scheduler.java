package dev.rlproxy.core.time;

/**
 * Runs a task later without blocking anyone. The server implements it on a Netty event loop;
 * tests use {@code ManualScheduler}, driven by a {@code ManualClock}.
 */
public interface Scheduler {

    /** Runs {@code task} once, no earlier than {@code delayNanos} from now. */
    Cancellable schedule(Runnable task, long delayNanos);

    /** A scheduled task that may still be withdrawn. */
    interface Cancellable {
        void cancel();
    }
}
