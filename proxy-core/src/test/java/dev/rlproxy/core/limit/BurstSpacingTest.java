package dev.rlproxy.core.limit;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class BurstSpacingTest {

    // 10 per 1000 ns: interval 100 ns; burst 3: tolerance 200 ns.
    private final BurstSpacing spacing = new BurstSpacing(new BucketLimit(10, Duration.ofNanos(1000), 3));

    @Test
    void letsBurstGoBackToBackThenSpacesByTheInterval() {
        for (int i = 0; i < 3; i++) {
            assertThat(spacing.earliestNanos(0, 1)).isZero();
            spacing.record(0, 1);
        }
        assertThat(spacing.earliestNanos(0, 1)).isEqualTo(100);
        spacing.record(100, 1);
        assertThat(spacing.earliestNanos(100, 1)).isEqualTo(200);
    }

    @Test
    void refillsOverTime() {
        spacing.record(0, 3);
        assertThat(spacing.earliestNanos(300, 3)).isEqualTo(300);
        assertThat(spacing.earliestNanos(200, 3)).isEqualTo(300);
    }

    @Test
    void aCostAboveTheBurstWaitsForTheSpacingToDrain() {
        spacing.record(0, 1);
        assertThat(spacing.earliestNanos(0, 5)).isEqualTo(100);
    }

    @Test
    void continuingFromTheLastAdmissionSpacesTheNextOne() {
        spacing.continueFrom(1000);
        assertThat(spacing.earliestNanos(1000, 3)).isEqualTo(1100);
        assertThat(spacing.earliestNanos(1000, 1)).isEqualTo(1000);
    }
}
