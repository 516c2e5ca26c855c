package dev.rlproxy.server.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import dev.rlproxy.core.metrics.ProxyMetrics;
import dev.rlproxy.core.metrics.RequestOutcome;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Request-path events as Dropwizard metrics. Names are dotted with the labels as segments
 * ({@code rlproxy.requests.<upstream>.<route id>.<status class>}); {@link MetricNames} turns them
 * into Prometheus names and labels for {@code /metrics}.
 */
public final class DropwizardProxyMetrics implements ProxyMetrics {

    private final MetricRegistry registry;
    private final MetricNames names;

    public DropwizardProxyMetrics(MetricRegistry registry, MetricNames names) {
        this.registry = registry;
        this.names = names;
    }

    /**
     * The series the proxy promises to keep at zero exist from the start (and from the reload that
     * adds a route), so alerts and dashboards see 0 rather than no data.
     *
     * @param routeUpstreams each configured route's label and its upstream
     */
    void startAtZero(Map<String, String> routeUpstreams) {
        routeUpstreams.forEach((route, upstream) -> {
            registry.counter(MetricNames.UPSTREAM_THROTTLED + "." + MetricNames.segment(upstream) + "." + names.routeId(route));
            registry.counter(MetricNames.TOKEN_RETRIES + "." + MetricNames.segment(upstream) + "." + names.routeId(route));
        });
    }

    @Override
    public void requestCompleted(RequestOutcome outcome) {
        String upstream = MetricNames.segment(outcome.upstream());
        String route = names.routeId(outcome.route());
        registry.counter(MetricNames.REQUESTS + "." + upstream + "." + route + "." + outcome.statusClass()).inc();
        if (outcome.answeredByProxy()) {
            registry.counter(MetricNames.PROXY_ANSWERS + "." + upstream + "." + route + "."
                    + MetricNames.segment(outcome.proxyReason())).inc();
        }
        if (!outcome.upstream().isEmpty()) { // requests refused before routing never queued
            registry.timer(MetricNames.QUEUE_WAIT + "." + upstream + "." + route)
                    .update(outcome.queueWaitNanos(), TimeUnit.NANOSECONDS);
        }
        if (outcome.upstreamNanos() >= 0) {
            registry.timer(MetricNames.UPSTREAM_LATENCY + "." + upstream + "." + route)
                    .update(outcome.upstreamNanos(), TimeUnit.NANOSECONDS);
        }
        add(MetricNames.REQUEST_BYTES + "." + upstream + "." + route, outcome.bytesIn());
        add(MetricNames.RESPONSE_BYTES + "." + upstream + "." + route, outcome.bytesOut());
    }

    @Override
    public void upstreamThrottled(String upstream, String route) {
        registry.counter(MetricNames.UPSTREAM_THROTTLED + "." + MetricNames.segment(upstream) + "."
                + names.routeId(route)).inc();
    }

    @Override
    public void tokenRetried(String upstream, String route) {
        registry.counter(MetricNames.TOKEN_RETRIES + "." + MetricNames.segment(upstream) + "."
                + names.routeId(route)).inc();
    }

    @Override
    public void grantToWrite(String upstream, long nanos) {
        registry.timer(MetricNames.GRANT_TO_WRITE + "." + MetricNames.segment(upstream))
                .update(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    @Override
    public void tokenCheckedOut(String upstream, String fingerprint) {
        registry.counter(MetricNames.TOKEN_CHECKOUTS + "." + MetricNames.segment(upstream) + "."
                + MetricNames.segment(fingerprint)).inc();
    }

    private void add(String name, long bytes) {
        Counter counter = registry.counter(name);
        if (bytes > 0) {
            counter.inc(bytes);
        }
    }
}
