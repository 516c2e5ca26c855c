package dev.rlproxy.core.limit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ThrottleBackoffTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void doublesFromOneSecondToThirtyAndStartsOverAfterAnAnswer() {
        ThrottleBackoff backoff = new ThrottleBackoff();
        long[] seen = new long[8];
        for (int i = 0; i < seen.length; i++) {
            seen[i] = backoff.throttled();
        }
        assertThat(seen).containsExactly(SECOND, 2 * SECOND, 4 * SECOND, 8 * SECOND, 16 * SECOND,
                30 * SECOND, 30 * SECOND, 30 * SECOND);

        backoff.answered();

        assertThat(backoff.throttled()).isEqualTo(SECOND);
    }

    @Test
    void neverOverflowsHoweverLongTheStreak() {
        ThrottleBackoff backoff = new ThrottleBackoff();
        for (int i = 0; i < 10_000; i++) {
            assertThat(backoff.throttled()).isBetween(SECOND, ThrottleBackoff.MAX_NANOS);
        }
    }
}
