package dev.rlproxy.core.limit;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Bytes allocated by the current thread, for tests that pin a path to allocating nothing (or one object). */
final class ThreadAllocations {

    private ThreadAllocations() {
    }

    /** HotSpot's per-thread allocation counter, switched on; the test is skipped on a JVM without one. */
    static com.sun.management.ThreadMXBean counter() {
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        assumeTrue(threads instanceof com.sun.management.ThreadMXBean, "this JVM does not count allocated bytes per thread");
        com.sun.management.ThreadMXBean hotSpot = (com.sun.management.ThreadMXBean) threads;
        assumeTrue(hotSpot.isThreadAllocatedMemorySupported(), "this JVM does not count allocated bytes per thread");
        hotSpot.setThreadAllocatedMemoryEnabled(true);
        return hotSpot;
    }
}
