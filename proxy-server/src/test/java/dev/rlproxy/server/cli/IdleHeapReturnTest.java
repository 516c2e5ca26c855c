package dev.rlproxy.server.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** On this test JVM's own diagnostic bean: the options are set once, under G1 only, never over the operator's. */
class IdleHeapReturnTest {

    private final HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);

    @Test
    void underG1TheIntervalIsSetUnlessAlreadyChosen() {
        var collectors = ManagementFactory.getGarbageCollectorMXBeans();
        assumeTrue(collectors.stream().anyMatch(c -> c.getName().startsWith("G1")), "this test JVM does not run G1");
        VMOption before = hotSpot.getVMOption(IdleHeapReturn.INTERVAL_OPTION);
        VMOption maxFreeBefore = hotSpot.getVMOption(IdleHeapReturn.MAX_FREE_OPTION);

        boolean set = IdleHeapReturn.enable(collectors, hotSpot);

        VMOption after = hotSpot.getVMOption(IdleHeapReturn.INTERVAL_OPTION);
        if (before.getOrigin() == VMOption.Origin.DEFAULT) {
            assertThat(set).isTrue();
            assertThat(after.getValue()).isEqualTo(Long.toString(IdleHeapReturn.INTERVAL.toMillis()));
        } else {
            assertThat(after.getValue()).isEqualTo(before.getValue());
        }
        if (maxFreeBefore.getOrigin() == VMOption.Origin.DEFAULT) {
            assertThat(set).isTrue();
            assertThat(hotSpot.getVMOption(IdleHeapReturn.MAX_FREE_OPTION).getValue()).isEqualTo("30");
            assertThat(hotSpot.getVMOption(IdleHeapReturn.MIN_FREE_OPTION).getValue()).isEqualTo("10");
        } else {
            assertThat(hotSpot.getVMOption(IdleHeapReturn.MAX_FREE_OPTION).getValue()).isEqualTo(maxFreeBefore.getValue());
        }
        assertThat(IdleHeapReturn.enable(collectors, hotSpot)).as("now set: left as it is").isFalse();
    }

    @Test
    void withAnotherCollectorNothingIsSet() {
        VMOption before = hotSpot.getVMOption(IdleHeapReturn.INTERVAL_OPTION);
        VMOption maxFreeBefore = hotSpot.getVMOption(IdleHeapReturn.MAX_FREE_OPTION);

        assertThat(IdleHeapReturn.enable(List.of(), hotSpot)).isFalse();

        assertThat(hotSpot.getVMOption(IdleHeapReturn.INTERVAL_OPTION).getValue()).isEqualTo(before.getValue());
        assertThat(hotSpot.getVMOption(IdleHeapReturn.MAX_FREE_OPTION).getValue()).isEqualTo(maxFreeBefore.getValue());
    }
}
