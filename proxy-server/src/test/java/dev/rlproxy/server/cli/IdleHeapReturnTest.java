package dev.rlproxy.server.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** On this test JVM's own diagnostic bean: the option is set once, under G1 only, never over the operator's. */
class IdleHeapReturnTest {

    private final HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);

    @Test
    void underG1TheIntervalIsSetUnlessAlreadyChosen() {
        var collectors = ManagementFactory.getGarbageCollectorMXBeans();
        assumeTrue(collectors.stream().anyMatch(c -> c.getName().startsWith("G1")), "this test JVM does not run G1");
        VMOption before = hotSpot.getVMOption(IdleHeapReturn.OPTION);

        boolean set = IdleHeapReturn.enable(collectors, hotSpot);

        VMOption after = hotSpot.getVMOption(IdleHeapReturn.OPTION);
        if (before.getOrigin() == VMOption.Origin.DEFAULT) {
            assertThat(set).isTrue();
            assertThat(after.getValue()).isEqualTo(Long.toString(IdleHeapReturn.INTERVAL.toMillis()));
        } else {
            assertThat(set).isFalse();
            assertThat(after.getValue()).isEqualTo(before.getValue());
        }
        assertThat(IdleHeapReturn.enable(collectors, hotSpot)).as("now set: left as it is").isFalse();
    }

    @Test
    void withAnotherCollectorNothingIsSet() {
        VMOption before = hotSpot.getVMOption(IdleHeapReturn.OPTION);

        assertThat(IdleHeapReturn.enable(List.of(), hotSpot)).isFalse();

        assertThat(hotSpot.getVMOption(IdleHeapReturn.OPTION).getValue()).isEqualTo(before.getValue());
    }
}
