package dev.rlproxy.server.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;

/**
 * Lets G1, the JVM's default collector, give heap it no longer needs back to the system when the
 * proxy is quiet: without a collection G1 never shrinks the heap, so a burst of traffic left the
 * process holding the heap it grew to (291 MiB resident at a steady 150 req/s after a burst).
 * Sets the JVM's manageable {@code G1PeriodicGCInterval} (a concurrent cycle after that long without
 * any collection, after which G1 returns free regions) unless the command line set it, or the JVM
 * runs another collector.
 */
final class IdleHeapReturn {

    private static final Logger log = LoggerFactory.getLogger(IdleHeapReturn.class);
    static final String OPTION = "G1PeriodicGCInterval";
    static final Duration INTERVAL = Duration.ofSeconds(30);

    private IdleHeapReturn() {
    }

    /** Returns whether it set the interval. */
    static boolean enable() {
        return enable(ManagementFactory.getGarbageCollectorMXBeans(),
                ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class));
    }

    static boolean enable(List<GarbageCollectorMXBean> collectors, HotSpotDiagnosticMXBean hotSpot) {
        boolean g1 = collectors.stream().anyMatch(c -> c.getName().startsWith("G1"));
        if (!g1 || hotSpot == null) {
            return false;
        }
        try {
            VMOption option = hotSpot.getVMOption(OPTION);
            if (option.getOrigin() != VMOption.Origin.DEFAULT) {
                return false; // the operator chose
            }
            hotSpot.setVMOption(OPTION, Long.toString(INTERVAL.toMillis()));
            log.debug("G1 returns unused heap after {} s without a collection ({})", INTERVAL.toSeconds(), OPTION);
            return true;
        } catch (IllegalArgumentException | SecurityException e) {
            log.debug("{} not set: {}", OPTION, e.toString()); // a JVM without it: nothing to tune
            return false;
        }
    }
}
