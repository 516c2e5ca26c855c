package dev.rlproxy.server.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import dev.rlproxy.core.metrics.StoreMetrics;

/** Store round trips and failures as Dropwizard counters, present (at zero) from the start. */
public final class DropwizardStoreMetrics implements StoreMetrics {

    private final Counter roundTrips;
    private final Counter failures;

    public DropwizardStoreMetrics(MetricRegistry registry) {
        this.roundTrips = registry.counter(MetricNames.STORE_ROUND_TRIPS);
        this.failures = registry.counter(MetricNames.STORE_FAILURES);
    }

    @Override
    public void roundTrip() {
        roundTrips.inc();
    }

    @Override
    public void failure() {
        failures.inc();
    }
}
