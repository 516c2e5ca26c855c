package dev.rlproxy.server.metrics;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.SingleThreadEventExecutor;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.function.IntSupplier;

/**
 * Process-wide gauges: exchanges in flight, event loops, and a few JVM basics
 * (heap, direct memory, GC, threads) under Prometheus-style names in base units, rather than
 * every memory pool the JVM has.
 */
public final class RuntimeGauges {

    private RuntimeGauges() {
    }

    public static void register(MetricRegistry registry, IntSupplier inFlight, EventExecutorGroup eventLoops) {
        gauge(registry, "rlproxy.in_flight_requests", inFlight::getAsInt);
        gauge(registry, "netty.eventloop_pending_tasks", () -> pendingTasks(eventLoops));
        gauge(registry, "netty.pooled_direct_memory_bytes", () -> PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory());
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        gauge(registry, "jvm.heap_used_bytes", () -> memory.getHeapMemoryUsage().getUsed());
        gauge(registry, "jvm.heap_committed_bytes", () -> memory.getHeapMemoryUsage().getCommitted());
        gauge(registry, "jvm.heap_max_bytes", () -> memory.getHeapMemoryUsage().getMax());
        gauge(registry, "jvm.nonheap_used_bytes", () -> memory.getNonHeapMemoryUsage().getUsed());
        gauge(registry, "jvm.direct_buffers_used_bytes", RuntimeGauges::directBufferBytes);
        gauge(registry, "jvm.gc_collections", () -> ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionCount).filter(n -> n > 0).sum());
        registry.gauge("jvm.gc_collection_seconds", () -> () -> ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionTime).filter(n -> n > 0).sum() / 1000.0);
        gauge(registry, "jvm.threads", () -> (long) ManagementFactory.getThreadMXBean().getThreadCount());
    }

    private static void gauge(MetricRegistry registry, String name, java.util.function.LongSupplier value) {
        registry.gauge(name, () -> (Gauge<Long>) value::getAsLong);
    }

    private static long directBufferBytes() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
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
