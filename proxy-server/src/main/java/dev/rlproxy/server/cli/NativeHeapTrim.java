package dev.rlproxy.server.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Hands the C library's free memory back to the system once a minute: the JIT compilers allocate
 * and free tens of MiB of native memory while the proxy warms up, and glibc keeps what was freed
 * (29 MiB of a 252 MiB resident set after a 30 s burst; 133 → ~106 MiB at a steady 150 req/s).
 * Runs the JVM's own {@code System.trim_native_heap} diagnostic command (what {@code jcmd} calls,
 * JDK 17.0.9 and later) on a daemon thread of its own, unless the command line chose a
 * {@code -XX:TrimNativeHeapInterval} (the JVM then trims by itself) or the JVM lacks the command.
 */
final class NativeHeapTrim implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NativeHeapTrim.class);
    static final Duration INTERVAL = Duration.ofMinutes(1);
    static final String JVM_OPTION = "TrimNativeHeapInterval";
    private static final String OPERATION = "systemTrimNativeHeap";

    private final ScheduledExecutorService thread;

    private NativeHeapTrim(ScheduledExecutorService thread) {
        this.thread = thread;
    }

    /** Starts trimming every {@link #INTERVAL}, or returns empty when the JVM trims by itself or cannot. */
    static Optional<NativeHeapTrim> start() {
        if (!wanted(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)) || trimNow().isEmpty()) {
            return Optional.empty();
        }
        ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rlproxy-native-trim");
            t.setDaemon(true);
            return t;
        });
        long millis = INTERVAL.toMillis();
        thread.scheduleWithFixedDelay(() -> trimNow().ifPresent(result -> log.debug("{}", result)),
                millis, millis, TimeUnit.MILLISECONDS);
        return Optional.of(new NativeHeapTrim(thread));
    }

    /** Whether the proxy should trim: the JVM has the option at its default (off), or has no such option. */
    static boolean wanted(HotSpotDiagnosticMXBean hotSpot) {
        if (hotSpot == null) {
            return false;
        }
        try {
            VMOption option = hotSpot.getVMOption(JVM_OPTION);
            return option.getOrigin() == VMOption.Origin.DEFAULT || "0".equals(option.getValue());
        } catch (IllegalArgumentException e) {
            return true; // a JVM without the option; whether it has the command is found out by trying
        }
    }

    /**
     * Trims once: what the JVM reports (resident size before and after), or empty if it cannot (a
     * JVM without the command answers with a {@code ReflectionException}).
     */
    static Optional<String> trimNow() {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName commands = new ObjectName("com.sun.management:type=DiagnosticCommand");
            Object result = server.invoke(commands, OPERATION, new Object[0], new String[0]);
            return Optional.of(String.valueOf(result).strip());
        } catch (JMException | RuntimeException e) {
            log.debug("native heap not trimmed: {}", e.toString());
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
