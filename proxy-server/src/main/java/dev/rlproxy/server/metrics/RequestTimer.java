package dev.rlproxy.server.metrics;

import com.codahale.metrics.Clock;
import com.codahale.metrics.ExponentialMovingAverages;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.Timer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A timer updated on every request. Its quantiles are over the last {@value #SAMPLES} samples of
 * each event loop ({@link RecentSamplesReservoir}) rather than Dropwizard's decaying sample, whose
 * update takes a lock the event loops fight over; and an update is one slot written in that ring.
 * Dropwizard's own {@link Timer} also adds to five shared counters per update (the histogram's
 * count, the meter's, three moving averages) and reads the clock: here the count is the rings'
 * own, and the moving rates are brought up to date from it when they are read (what arrived
 * between two reads counts in the five-second tick of the second read; nothing the proxy exports
 * reads them, {@code /metrics} has counts and quantiles).
 */
final class RequestTimer extends Timer {

    static final int SAMPLES = 1024;

    private final RecentSamplesReservoir samples;
    private final Clock clock;
    private final long startTick;
    private final ExponentialMovingAverages rates;
    /** The count the moving rates have been given; guarded by this. */
    private long countInRates;

    RequestTimer(Clock clock) {
        this(new RecentSamplesReservoir(SAMPLES), clock);
    }

    private RequestTimer(RecentSamplesReservoir samples, Clock clock) {
        super(samples, clock);
        this.samples = samples;
        this.clock = clock;
        this.startTick = clock.getTick();
        this.rates = new ExponentialMovingAverages(clock);
    }

    /** The timer named {@code name}, registered if it is new. */
    static Timer of(MetricRegistry registry, String name) {
        return registry.timer(name, () -> new RequestTimer(Clock.defaultClock()));
    }

    @Override
    public void update(long duration, TimeUnit unit) {
        if (duration >= 0) {
            samples.update(unit.toNanos(duration));
        }
    }

    @Override
    public void update(Duration duration) {
        update(duration.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public long getCount() {
        return samples.count();
    }

    @Override
    public Snapshot getSnapshot() {
        return samples.getSnapshot();
    }

    @Override
    public double getMeanRate() {
        long count = getCount();
        long elapsed = clock.getTick() - startTick;
        return count == 0 || elapsed <= 0 ? 0.0 : count * (double) TimeUnit.SECONDS.toNanos(1) / elapsed;
    }

    @Override
    public double getOneMinuteRate() {
        return caughtUpRates().getM1Rate();
    }

    @Override
    public double getFiveMinuteRate() {
        return caughtUpRates().getM5Rate();
    }

    @Override
    public double getFifteenMinuteRate() {
        return caughtUpRates().getM15Rate();
    }

    private synchronized ExponentialMovingAverages caughtUpRates() {
        long count = getCount();
        rates.update(count - countInRates);
        countInRates = count;
        rates.tickIfNecessary();
        return rates;
    }
}
