package dev.rlproxy.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** On this test JVM: the diagnostic command exists from JDK 17.0.9 on (the build here is newer). */
class NativeHeapTrimTest {

    private final HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);

    @Test
    void trimsAndSaysHowMuchWasResidentBeforeAndAfter() {
        Optional<String> result = NativeHeapTrim.trimNow();

        assumeTrue(result.isPresent(), "this JVM has no System.trim_native_heap");
        assertThat(result.get()).contains("Trim native heap").contains("->");
    }

    @Test
    void trimsOnlyWhenTheCommandLineLeftItToTheProxy() {
        boolean chosen = ManagementFactory.getRuntimeMXBean().getInputArguments().stream().anyMatch(a -> a.contains(NativeHeapTrim.JVM_OPTION + "=")
                && !a.endsWith("=0"));

        assertThat(NativeHeapTrim.wanted(hotSpot)).isEqualTo(!chosen);
        assertThat(NativeHeapTrim.wanted(null)).isFalse();
    }

    @Test
    void startsADaemonThreadThatStopsWhenClosed() {
        Optional<NativeHeapTrim> trim = NativeHeapTrim.start();
        assumeTrue(trim.isPresent(), "this JVM cannot trim, or trims by itself");

        assertThat(Thread.getAllStackTraces().keySet()).anyMatch(t -> t.getName().equals("rlproxy-native-trim") && t.isDaemon());
        trim.get().close();
    }
}
