package dev.rlproxy.server.proxy;

import dev.rlproxy.core.time.Scheduler;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/** The core's timers, run on a Netty event executor: nothing ever sleeps waiting for a ticket. */
public record EventLoopScheduler(EventExecutor executor) implements Scheduler {

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
        ScheduledFuture<?> future = executor.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }
}
