package dev.rlproxy.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.codahale.metrics.Clock;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RequestTimerTest {

    /** A Dropwizard clock that moves only when told. */
    private static final class ManualClock extends Clock {
        long nanos = TimeUnit.HOURS.toNanos(1);

        @Override
        public long getTick() {
            return nanos;
        }
    }

    @Test
    void isRegisteredOnceAndKeepsTheLastSamplesOfEachThreadWithTheCountOfAll() {
        MetricRegistry registry = new MetricRegistry();
        Timer timer = RequestTimer.of(registry, "t");
        for (int i = 1; i <= RequestTimer.SAMPLES + 10; i++) {
            timer.update(i, TimeUnit.NANOSECONDS);
        }

        assertThat(RequestTimer.of(registry, "t")).isSameAs(timer);
        assertThat(timer.getCount()).isEqualTo(RequestTimer.SAMPLES + 10);
        assertThat(timer.getSnapshot().getMin()).as("the first ten fell out (one thread, one ring)").isEqualTo(11);
        assertThat(timer.getSnapshot().getMax()).isEqualTo(RequestTimer.SAMPLES + 10);
    }

    @Test
    void takesDurationsInAnyUnitAsNanosAndIgnoresNegativeOnes() {
        Timer timer = RequestTimer.create(new ManualClock());
        timer.update(3, TimeUnit.MILLISECONDS);
        timer.update(Duration.ofNanos(5_000));
        timer.update(-1, TimeUnit.SECONDS);

        assertThat(timer.getCount()).isEqualTo(2);
        assertThat(timer.getSnapshot().getValues()).containsExactlyInAnyOrder(3_000_000L, 5_000L);
    }

    @Test
    void timesWhatItWraps() {
        ManualClock clock = new ManualClock();
        Timer timer = RequestTimer.create(clock);
        try (Timer.Context context = timer.time()) {
            clock.nanos += 7_000;
        }

        assertThat(timer.getSnapshot().getValues()).containsExactly(7_000L);
    }

    @Test
    void everyWayOfTimingLandsInTheSamples() throws Exception {
        ManualClock clock = new ManualClock();
        Timer timer = RequestTimer.create(clock);
        timer.time(() -> {
            clock.nanos += 1_000;
        });
        assertThat(timer.time(() -> {
            clock.nanos += 2_000;
            return "answer";
        })).isEqualTo("answer");
        timer.timeSupplier(() -> clock.nanos += 3_000);

        assertThat(timer.getCount()).isEqualTo(3);
        assertThat(timer.getSnapshot().getValues()).containsExactlyInAnyOrder(1_000L, 2_000L, 3_000L);
    }

    @Test
    void ratesComeFromTheCountWhenRead() {
        ManualClock clock = new ManualClock();
        Timer timer = RequestTimer.create(clock);
        assertThat(timer.getMeanRate()).isZero();
        assertThat(timer.getOneMinuteRate()).isZero();

        for (int i = 0; i < 1_000; i++) {
            timer.update(1, TimeUnit.MILLISECONDS);
        }
        clock.nanos += TimeUnit.SECONDS.toNanos(6); // past the moving averages' five-second tick

        assertThat(timer.getMeanRate()).isCloseTo(1_000 / 6.0, within(1e-9));
        assertThat(timer.getOneMinuteRate()).as("a first five-second tick of 1,000").isCloseTo(200.0, within(1e-9));
        assertThat(timer.getFiveMinuteRate()).isCloseTo(200.0, within(1e-9));
        assertThat(timer.getFifteenMinuteRate()).isCloseTo(200.0, within(1e-9));

        clock.nanos += TimeUnit.SECONDS.toNanos(5);
        assertThat(timer.getOneMinuteRate()).as("a tick without requests: the rate decays").isLessThan(200.0).isPositive();
    }
}
