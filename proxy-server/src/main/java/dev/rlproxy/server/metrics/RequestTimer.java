package dev.rlproxy.server.metrics;

import com.codahale.metrics.Clock;
import com.codahale.metrics.ExponentialMovingAverages;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.Timer;

import java.util.concurrent.TimeUnit;

/**
 * A timer updated on every request. Its quantiles are over the last {@value #SAMPLES} samples of
 * each event loop ({@link RecentSamplesReservoir}) rather than Dropwizard's decaying sample, whose
 * update takes a lock the event loops fight over; and an update is one slot written in that ring.
 * Dropwizard's own {@link Timer} parts also add to five shared counters per update (the histogram's
 * count, the meter's, three moving averages) and read the clock: here the timer's histogram and
 * meter both count from the rings, the meter's mark does nothing, and its moving rates are brought
 * up to date from that count when they are read (what arrived between two reads counts in the
 * five-second tick of the second read; nothing the proxy exports reads them, {@code /metrics} has
 * counts and quantiles). Every way into a Dropwizard timer ({@code update}, {@code time}) ends in
 * that histogram and meter.
 */
final class RequestTimer {

    static final int SAMPLES = 1024;

    private RequestTimer() {
    }

    /** The timer named {@code name}, registered if it is new. */
    static Timer of(MetricRegistry registry, String name) {
        return registry.timer(name, () -> create(Clock.defaultClock()));
    }

    static Timer create(Clock clock) {
        RecentSamplesReservoir samples = new RecentSamplesReservoir(SAMPLES);
        return new Timer(new CountedRates(samples, clock), new RingHistogram(samples), clock);
    }

    /** The samples as a histogram: an update is one ring slot, the count is the rings' own. */
    private static final class RingHistogram extends Histogram {
        private final RecentSamplesReservoir samples;

        RingHistogram(RecentSamplesReservoir samples) {
            super(samples);
            this.samples = samples;
        }

        @Override
        public void update(long value) {
            samples.update(value);
        }

        @Override
        public long getCount() {
            return samples.count();
        }

        @Override
        public Snapshot getSnapshot() {
            return samples.getSnapshot();
        }
    }

    /** Rates from the rings' count: marking costs nothing, reading catches the moving averages up. */
    private static final class CountedRates extends Meter {
        private final RecentSamplesReservoir samples;
        private final Clock clock;
        private final long startTick;
        private final ExponentialMovingAverages rates;
        /** The count the moving rates have been given; guarded by this. */
        private long countInRates;

        CountedRates(RecentSamplesReservoir samples, Clock clock) {
            super(clock);
            this.samples = samples;
            this.clock = clock;
            this.startTick = clock.getTick();
            this.rates = new ExponentialMovingAverages(clock);
        }

        @Override
        public void mark() {
            // counted by the histogram's rings
        }

        @Override
        public void mark(long n) {
            // counted by the histogram's rings
        }

        @Override
        public long getCount() {
            return samples.count();
        }

        @Override
        public double getMeanRate() {
            long count = getCount();
            long elapsed = clock.getTick() - startTick;
            return count == 0 || elapsed <= 0 ? 0.0 : count * (double) TimeUnit.SECONDS.toNanos(1) / elapsed;
        }

        @Override
        public double getOneMinuteRate() {
            return caughtUp().getM1Rate();
        }

        @Override
        public double getFiveMinuteRate() {
            return caughtUp().getM5Rate();
        }

        @Override
        public double getFifteenMinuteRate() {
            return caughtUp().getM15Rate();
        }

        private synchronized ExponentialMovingAverages caughtUp() {
            long count = getCount();
            rates.update(count - countInRates);
            countInRates = count;
            rates.tickIfNecessary();
            return rates;
        }
    }
}
