package dev.rlproxy.core.limit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SlidingLogTest {

    private final SlidingLog log = new SlidingLog(3, 100);

    @Test
    void admitsUpToTheLimitThenNamesWhenTheOldestLeavesTheWindow() {
        log.record(0, 1);
        log.record(10, 1);
        log.record(20, 1);

        assertThat(log.earliestNanos(20, 1)).isEqualTo(100);
        assertThat(log.earliestNanos(99, 1)).isEqualTo(100);
        assertThat(log.earliestNanos(100, 1)).isEqualTo(100);
        assertThat(log.earliestNanos(150, 1)).isEqualTo(150);
    }

    @Test
    void aCostOfSeveralLooksFurtherBack() {
        log.record(0, 1);
        log.record(10, 1);

        // Two more at once need the admission at 0 gone (it is 3 - 2 = 1 place back from the newest).
        assertThat(log.earliestNanos(10, 2)).isEqualTo(100);
        assertThat(log.earliestNanos(10, 1)).isEqualTo(10);
    }

    @Test
    void ringWrapsAndKeepsOnlyWhatMatters() {
        java.util.List<Long> admitted = new java.util.ArrayList<>();
        long at = 0;
        for (int i = 0; i < 10; i++) {
            at = log.earliestNanos(at + 10, 1);
            log.record(at, 1);
            admitted.add(at);
        }
        assertThat(admitted).containsExactly(10L, 20L, 30L, 110L, 120L, 130L, 210L, 220L, 230L, 310L);
        assertThat(WindowCheck.violation(admitted, 3, 100)).isNull();
    }

    @Test
    void givingBackFreesTheSlot() {
        log.record(0, 1);
        log.record(10, 2);
        assertThat(log.earliestNanos(20, 1)).isEqualTo(100);

        log.giveBack(10, 1);

        assertThat(log.earliestNanos(20, 1)).isEqualTo(20);
        assertThat(log.earliestNanos(20, 2)).isEqualTo(100);
    }

    @Test
    void givingBackSomethingUnknownChangesNothing() {
        log.record(0, 3);
        log.giveBack(5, 1);
        assertThat(log.earliestNanos(50, 1)).isEqualTo(100);
    }

    @Test
    void replayCarriesTheHistory() {
        log.record(0, 1);
        log.record(10, 1);
        SlidingLog smaller = new SlidingLog(2, 100);

        log.replayInto(smaller, 10);

        assertThat(smaller.earliestNanos(10, 1)).isEqualTo(100);
    }

    @Test
    void aCostAboveTheLimitIsAnError() {
        assertThatThrownBy(() -> log.earliestNanos(0, 4)).hasMessageContaining("exceeds the limit 3");
    }

    @Test
    void holdsNoArrayForOneEntryAndDropsItsRingOnceEverythingLeftTheWindow() {
        SlidingLog big = new SlidingLog(100, 100);
        big.record(0, 1);
        assertThat(big.capacity()).as("one entry lives in a field").isEqualTo(1);
        big.record(10, 5);
        assertThat(big.capacity()).isEqualTo(8);
        assertThat(big.earliestNanos(10, 95)).isEqualTo(100);

        big.record(110, 1);

        assertThat(big.capacity()).as("the six older entries left the window: the ring goes").isEqualTo(1);
        assertThat(big.used(110)).isEqualTo(1);
        assertThat(big.earliestNanos(110, 100)).isEqualTo(210);
        assertThat(big.earliestNanos(110, 99)).isEqualTo(110);
    }

    @Test
    void anEntryRecordedAfterALaterOneCountsFromTheLaterTime() {
        SlidingLog one = new SlidingLog(1, 100);
        one.record(100, 1);
        one.record(90, 1); // a stamp whose time was read before a later stamp took the lock

        assertThat(one.earliestNanos(150, 1)).as("the admission at 100 still holds the slot").isEqualTo(200);
    }

    @Test
    void anEntryRecordedOutOfOrderDoesNotMakeTheLogForgetEntriesStillInTheWindow() {
        log.record(10, 1);
        log.record(20, 1);
        log.record(5, 1); // late: if 5 counted as the newest, the record at 110 would drop 20 too
        log.record(110, 1);
        log.record(115, 1);

        assertThat(log.earliestNanos(116, 1)).as("20, 110 and 115 fill the window until 120").isEqualTo(120);
    }
}
