package dev.rlproxy.server.metrics;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;

/**
 * The timers updated on every request: their quantiles are over the last {@value #SAMPLES} samples
 * of each series from each event loop ({@link RecentSamplesReservoir}) rather than Dropwizard's
 * default decaying sample, whose update takes a lock that the event loops fight over.
 */
final class RequestTimers {

    static final int SAMPLES = 1024;

    private RequestTimers() {
    }

    /** The timer named {@code name}, registered with a {@link RecentSamplesReservoir} if it is new. */
    static Timer timer(MetricRegistry registry, String name) {
        return registry.timer(name, () -> new Timer(new RecentSamplesReservoir(SAMPLES)));
    }
}
