package dev.rlproxy.server.metrics;

import com.codahale.metrics.CachedGauge;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import dev.rlproxy.core.config.BucketConfig;
import dev.rlproxy.core.config.UpstreamConfig;
import dev.rlproxy.core.limit.InFlightSnapshot;
import dev.rlproxy.core.limit.RateLimiter;
import dev.rlproxy.server.proxy.QueueDepths;
import dev.rlproxy.server.proxy.Upstream;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * Per-upstream series that exist from the start: the grant-to-write timer (so it reads 0 rather
 * than nothing before the first request), the queue depth, the window margin in force, and each in-flight cap's
 * load. A cap's keys (one per token, route or header value) can be many, so the gauges are
 * labelled by upstream and bucket only and sum or pick over the keys.
 */
final class UpstreamGauges {

    /** Shorter than any scrape interval, longer than one scrape. */
    private static final long SNAPSHOT_TTL_MILLIS = 250;

    private UpstreamGauges() {
    }

    /** Gauges that describe the configuration in force, replaced on every {@link #register}. */
    private static final List<String> RECONFIGURED = List.of(MetricNames.WINDOW_MARGIN, MetricNames.QUEUE_DEPTH,
            MetricNames.CAP_IN_FLIGHT, MetricNames.CAP_BUSIEST, MetricNames.CAP_KEYS, MetricNames.CAP_MAX);

    /**
     * Registers the series of {@code upstreams}, replacing those of the previous configuration
     * (a reload may add or remove upstreams and in-flight caps, or change a margin).
     *
     * @param upstreams the configuration the upstreams were built from
     */
    static void register(MetricRegistry registry, Map<String, UpstreamConfig> upstreams, RateLimiter limiter,
                         QueueDepths queues) {
        registry.removeMatching((name, metric) -> RECONFIGURED.stream().anyMatch(p -> name.startsWith(p + ".")));
        upstreams.forEach((name, config) -> {
            String upstream = MetricNames.segment(name);
            RequestTimer.of(registry, MetricNames.GRANT_TO_WRITE + "." + upstream);
            registry.gauge(MetricNames.QUEUE_DEPTH + "." + upstream, () -> (Gauge<Integer>) () -> queues.depth(name));
            double marginSeconds = config.windowMargin().toNanos() / 1e9;
            registry.gauge(MetricNames.WINDOW_MARGIN + "." + upstream, () -> () -> marginSeconds);
            for (BucketConfig bucket : config.buckets()) {
                if (bucket.capsInFlight()) {
                    String prefix = Upstream.bucketKeyPrefix(name, bucket.name());
                    String suffix = "." + upstream + "." + MetricNames.segment(bucket.name());
                    // One pass over the cap's keys serves the three gauges of a scrape, and they agree.
                    CachedGauge<InFlightSnapshot> snapshot = new CachedGauge<>(SNAPSHOT_TTL_MILLIS, TimeUnit.MILLISECONDS) {
                        @Override
                        protected InFlightSnapshot loadValue() {
                            return limiter.inFlightSnapshot(prefix, 1);
                        }
                    };
                    gauge(registry, MetricNames.CAP_IN_FLIGHT + suffix, snapshot, InFlightSnapshot::inFlight);
                    gauge(registry, MetricNames.CAP_BUSIEST + suffix, snapshot, InFlightSnapshot::busiestInFlight);
                    gauge(registry, MetricNames.CAP_KEYS + suffix, snapshot, InFlightSnapshot::keys);
                    long max = bucket.maxConcurrent();
                    registry.gauge(MetricNames.CAP_MAX + suffix, () -> (Gauge<Long>) () -> max);
                }
            }
        });
    }

    private static void gauge(MetricRegistry registry, String name, CachedGauge<InFlightSnapshot> snapshot,
                              ToLongFunction<InFlightSnapshot> value) {
        registry.gauge(name, () -> (Gauge<Long>) () -> value.applyAsLong(snapshot.getValue()));
    }
}
