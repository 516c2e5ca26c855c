package dev.rlproxy.server.metrics;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.jvm.BufferPoolMetricSet;
import com.codahale.metrics.jvm.GarbageCollectorMetricSet;
import com.codahale.metrics.jvm.MemoryUsageGaugeSet;
import com.codahale.metrics.jvm.ThreadStatesGaugeSet;
import dev.rlproxy.core.limit.RateLimiter;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.SingleThreadEventExecutor;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Process-wide gauges: the limiter's queue, exchanges in flight, event loops, JVM memory and GC. */
public final class RuntimeGauges {

    private RuntimeGauges() {
    }

    public static void register(MetricRegistry registry, RateLimiter limiter, AtomicInteger inFlight,
                                EventExecutorGroup eventLoops) {
        registry.gauge("rlproxy.queue_depth", () -> limiter::queueDepth);
        registry.gauge("rlproxy.in_flight_requests", () -> inFlight::get);
        registry.gauge("netty.eventloop_pending_tasks", () -> () -> pendingTasks(eventLoops));
        registry.gauge("netty.pooled_direct_memory_bytes",
                () -> () -> PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory());
        registry.register("jvm.memory", new MemoryUsageGaugeSet());
        registry.register("jvm.gc", new GarbageCollectorMetricSet());
        registry.register("jvm.buffers", new BufferPoolMetricSet(ManagementFactory.getPlatformMBeanServer()));
        registry.register("jvm.threads", new ThreadStatesGaugeSet());
    }

    private static long pendingTasks(EventExecutorGroup group) {
        long pending = 0;
        for (EventExecutor executor : group) {
            if (executor instanceof SingleThreadEventExecutor loop) {
                pending += loop.pendingTasks();
            }
        }
        return pending;
    }
}
