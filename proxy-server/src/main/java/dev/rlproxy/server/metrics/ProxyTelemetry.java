package dev.rlproxy.server.metrics;

import com.codahale.metrics.MetricRegistry;
import dev.rlproxy.core.config.UpstreamConfig;
import dev.rlproxy.core.limit.RateLimiter;
import dev.rlproxy.core.metrics.ProxyMetrics;
import dev.rlproxy.core.time.Clock;
import dev.rlproxy.core.tokens.TokenPool;
import dev.rlproxy.core.usage.UpstreamQuotas;
import io.netty.util.concurrent.EventExecutorGroup;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The proxy's metrics registry and what feeds and reads it: the request-path listener (metrics
 * plus access log), per-token gauges, and the Prometheus endpoint.
 */
public final class ProxyTelemetry {

    private final MetricRegistry registry = new MetricRegistry();
    private final ProxyMetrics requestPath;
    private final PrometheusEndpoint prometheus;
    private final Map<String, Duration> windowMargins = new ConcurrentHashMap<>();

    /**
     * @param routeUpstreams every configured route's label and its upstream's name, in order
     * @param pools          token pools by upstream name
     */
    public ProxyTelemetry(Map<String, String> routeUpstreams, Map<String, TokenPool> pools, Clock clock) {
        MetricNames names = new MetricNames(List.copyOf(routeUpstreams.keySet()));
        this.requestPath = new CompositeProxyMetrics(List.of(
                new DropwizardProxyMetrics(registry, names, routeUpstreams), new AccessLog()));
        this.prometheus = new PrometheusEndpoint(registry, names, new TokenGauges(registry, pools, clock));
    }

    /** Gauges over the running proxy, once it exists. */
    public void watch(RateLimiter limiter, AtomicInteger inFlight, EventExecutorGroup eventLoops) {
        RuntimeGauges.register(registry, limiter, inFlight, eventLoops);
    }

    /**
     * Per-upstream series: grant-to-write timers, window margins and in-flight cap gauges.
     *
     * @param upstreams the configuration the upstreams were built from
     */
    public void watchUpstreams(Map<String, UpstreamConfig> upstreams, RateLimiter limiter) {
        UpstreamGauges.register(registry, upstreams, limiter);
        upstreams.forEach((name, config) -> windowMargins.put(name, config.windowMargin()));
    }

    /** Gauges of each quota's count and limit; again after a reload, which may change them. */
    public void watchQuotas(Map<String, UpstreamQuotas> quotas) {
        QuotaGauges.register(registry, quotas);
    }

    /** The margin in force for the upstream's configured windows (a change takes a restart). */
    public Duration windowMargin(String upstream) {
        return windowMargins.getOrDefault(upstream, Duration.ZERO);
    }

    /** What the request path reports to. */
    public ProxyMetrics requestPath() {
        return requestPath;
    }

    public PrometheusEndpoint prometheus() {
        return prometheus;
    }

    public UpstreamTotals totals(String upstream) {
        return UpstreamTotals.of(registry, upstream);
    }

    public MetricRegistry registry() {
        return registry;
    }
}
