package dev.rlproxy.core.limit;

/**
 * Runs a task later without blocking anyone. The server implements it on a Netty event loop;
 * tests use {@link ManualScheduler}, driven by a {@link ManualClock}.
 */
public interface Scheduler {

    /** Runs {@code task} once, no earlier than {@code delayNanos} from now. */
    Cancellable schedule(Runnable task, long delayNanos);

    /** A scheduled task that may still be withdrawn. */
    interface Cancellable {
        void cancel();
    }
}
