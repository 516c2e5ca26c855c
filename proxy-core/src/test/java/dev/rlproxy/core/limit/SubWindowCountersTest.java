package dev.rlproxy.core.limit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SubWindowCountersTest {

    // span 6400 ns -> 64 sub-windows of 100 ns
    private final SubWindowCounters counters = new SubWindowCounters(2000, 6400);

    @Test
    void admitsUntilTheSumOverTheLastSubWindowsIsFull() {
        counters.record(0, 1500);
        assertThat(counters.earliestNanos(50, 500)).isEqualTo(50);
        assertThat(counters.earliestNanos(50, 501)).isGreaterThan(50);
    }

    @Test
    void aFullSubWindowCountsWholeUntilItIsMoreThanKSubWindowsBack() {
        counters.record(50, 2000);
        // Sub-window 0 is in the sum for sub-windows 0..64; it drops out at sub-window 65.
        assertThat(counters.earliestNanos(100, 1)).isEqualTo(65 * 100);
        assertThat(counters.earliestNanos(6499, 1)).isEqualTo(6500);
        assertThat(counters.earliestNanos(6500, 1)).isEqualTo(6500);
    }

    @Test
    void earliestWalksForwardUntilEnoughDropsOut() {
        counters.record(0, 1000);
        counters.record(1000, 1000); // sub-window 10
        assertThat(counters.earliestNanos(1000, 1000)).isEqualTo(65 * 100);
        assertThat(counters.earliestNanos(1000, 1001)).isEqualTo(75 * 100);
    }

    @Test
    void givingBackLowersTheCount() {
        counters.record(0, 2000);
        counters.giveBack(0, 10);
        assertThat(counters.earliestNanos(10, 10)).isEqualTo(10);
        assertThat(counters.earliestNanos(10, 11)).isEqualTo(6500);
    }

    @Test
    void replayPutsEachSubWindowAtItsEndButNotInTheFuture() {
        counters.record(20, 3);
        SlidingLog log = new SlidingLog(3, 1000);
        counters.replayInto(log, 50);
        // Recorded at min(now=50, end of sub-window 0 = 99) = 50.
        assertThat(log.earliestNanos(60, 1)).isEqualTo(1050);
    }
}
