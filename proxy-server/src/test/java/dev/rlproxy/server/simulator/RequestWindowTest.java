package dev.rlproxy.server.simulator;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestWindowTest {

    private static final long MS = 1_000_000L;

    @Test
    void fixedWindowOpensAtTheFirstRequestAndResetsAtItsEnd() {
        RequestWindow window = RequestWindow.create(WindowMode.FIXED, 2, Duration.ofMillis(100));
        assertThat(window.state(5 * MS)).isEqualTo(new WindowState(2, 0, 100 * MS, 100 * MS));
        window.record(10 * MS);
        window.record(50 * MS);
        assertThat(window.state(60 * MS)).isEqualTo(new WindowState(2, 2, 50 * MS, 100 * MS));
        assertThat(window.state(109 * MS).hasRoom()).isFalse();
        assertThat(window.state(110 * MS)).isEqualTo(new WindowState(2, 0, 100 * MS, 100 * MS));
        window.record(130 * MS);
        assertThat(window.state(130 * MS)).isEqualTo(new WindowState(2, 1, 100 * MS, 100 * MS));
    }

    @Test
    void fixedWindowLetsMoreThanTheLimitThroughAcrossItsBoundary() {
        RequestWindow window = RequestWindow.create(WindowMode.FIXED, 2, Duration.ofMillis(100));
        // 99, 100 and 105 ms: three requests within 10 ms, with a limit of 2 per 100 ms.
        for (long t : new long[] {0, 99, 100, 105}) {
            assertThat(window.state(t * MS).hasRoom()).as("at %d ms", t).isTrue();
            window.record(t * MS);
        }
        assertThat(window.state(105 * MS).hasRoom()).isFalse();
    }

    @Test
    void slidingLogFreesOneSlotWhenTheOldestRequestLeaves() {
        RequestWindow window = RequestWindow.create(WindowMode.SLIDING, 2, Duration.ofMillis(100));
        window.record(90 * MS);
        window.record(95 * MS);
        assertThat(window.state(105 * MS)).isEqualTo(new WindowState(2, 2, 85 * MS, 100 * MS));
        assertThat(window.state(189 * MS).hasRoom()).isFalse();
        assertThat(window.state(190 * MS)).isEqualTo(new WindowState(2, 1, 5 * MS, 100 * MS));
        window.record(190 * MS);
        assertThat(window.state(194 * MS).hasRoom()).isFalse();
    }

    @Test
    void slidingLogRefusesToRecordWhenFull() {
        RequestWindow window = RequestWindow.create(WindowMode.SLIDING, 1, Duration.ofMillis(100));
        window.record(0);
        assertThatThrownBy(() -> window.record(1)).isInstanceOf(IllegalStateException.class);
    }

    static LongStream seeds() {
        return LongStream.range(0, 200);
    }

    /**
     * Against a brute-force oracle: the sliding log accepts a request exactly when the accepted
     * ones in (t - T, t] number fewer than the limit, so no interval of length T holds more.
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void slidingLogMatchesABruteForceCount(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int limit = random.nextInt(1, 8);
        long windowNanos = random.nextLong(1, 50) * MS;
        RequestWindow window = new SlidingWindowLog(limit, windowNanos);
        List<Long> accepted = new ArrayList<>();
        long now = 0;
        for (int i = 0; i < 300; i++) {
            now += random.nextInt(4) == 0 ? 0 : random.nextLong(0, windowNanos / 2 + 1);
            long t = now;
            long inWindow = accepted.stream().filter(a -> t - a < windowNanos).count();
            WindowState state = window.state(t);
            assertThat(state.used()).as("seed %d, request %d", seed, i).isEqualTo(inWindow);
            assertThat(state.hasRoom()).as("seed %d, request %d", seed, i).isEqualTo(inWindow < limit);
            if (state.hasRoom()) {
                window.record(t);
                accepted.add(t);
            } else {
                long oldestInWindow = accepted.stream().filter(a -> t - a < windowNanos).min(Long::compare).orElseThrow();
                assertThat(state.resetAfterNanos()).as("seed %d", seed).isEqualTo(oldestInWindow + windowNanos - t);
            }
        }
        for (int i = limit; i < accepted.size(); i++) {
            assertThat(accepted.get(i) - accepted.get(i - limit))
                    .as("seed %d: %d requests within one window", seed, limit + 1).isGreaterThanOrEqualTo(windowNanos);
        }
    }

    /** Fixed windows never hold more than the limit per window, and refuse only when one is full. */
    @ParameterizedTest
    @MethodSource("seeds")
    void fixedWindowCountsPerWindow(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int limit = random.nextInt(1, 8);
        long windowNanos = random.nextLong(1, 50) * MS;
        RequestWindow window = new FixedWindowCounter(limit, windowNanos);
        long windowStart = Long.MIN_VALUE;
        int inWindow = 0;
        long now = 0;
        for (int i = 0; i < 300; i++) {
            now += random.nextInt(4) == 0 ? 0 : random.nextLong(0, windowNanos / 2 + 1);
            boolean open = windowStart != Long.MIN_VALUE && now - windowStart < windowNanos;
            int expectedUsed = open ? inWindow : 0;
            WindowState state = window.state(now);
            assertThat(state.used()).as("seed %d, request %d", seed, i).isEqualTo(expectedUsed);
            if (state.hasRoom()) {
                if (!open) {
                    windowStart = now;
                    inWindow = 0;
                }
                window.record(now);
                inWindow++;
            } else {
                assertThat(state.resetAfterNanos()).as("seed %d", seed).isEqualTo(windowStart + windowNanos - now);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(WindowMode.class)
    void anEmptyWindowReportsAFullWindowAhead(WindowMode mode) {
        RequestWindow window = RequestWindow.create(mode, 3, Duration.ofSeconds(1));
        assertThat(window.state(42)).isEqualTo(new WindowState(3, 0, 1_000_000_000L, 1_000_000_000L));
        assertThat(window.state(42).remaining()).isEqualTo(3);
    }
}
