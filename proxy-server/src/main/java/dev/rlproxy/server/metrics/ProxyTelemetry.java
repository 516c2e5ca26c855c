package dev.rlproxy.server.metrics;

import com.codahale.metrics.MetricRegistry;
import dev.rlproxy.core.config.UpstreamConfig;
import dev.rlproxy.core.limit.RateLimiter;
import dev.rlproxy.core.metrics.ProxyMetrics;
import dev.rlproxy.core.time.Clock;
import dev.rlproxy.core.tokens.TokenPool;
import dev.rlproxy.server.proxy.QueueDepths;
import dev.rlproxy.server.store.StoreBackend;
import dev.rlproxy.core.usage.UpstreamQuotas;
import io.netty.util.concurrent.EventExecutorGroup;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * The proxy's metrics registry and what feeds and reads it: the request-path listener (metrics
 * plus access log), per-token gauges, and the Prometheus endpoint. Routes and upstreams can change
 * with a reload ({@link #configure}); counters of a route or upstream that went stay, as Prometheus
 * counters should.
 */
public final class ProxyTelemetry {

    private final MetricRegistry registry;
    private final MetricNames names = new MetricNames();
    private final DropwizardProxyMetrics dropwizard;
    private final ProxyMetrics requestPath;
    private final TokenGauges tokenGauges;
    private final PrometheusEndpoint prometheus;
    private final Map<String, Duration> windowMargins = new ConcurrentHashMap<>();

    public ProxyTelemetry(Clock clock) {
        this(new MetricRegistry(), clock);
    }

    /**
     * @param registry a registry that may already hold metrics made before the routes were known
     *                 (the store's, see {@link DropwizardStoreMetrics})
     */
    public ProxyTelemetry(MetricRegistry registry, Clock clock) {
        this.registry = registry;
        this.dropwizard = new DropwizardProxyMetrics(registry, names);
        this.requestPath = new CompositeProxyMetrics(List.of(dropwizard, new AccessLog()));
        this.tokenGauges = new TokenGauges(registry, clock);
        this.prometheus = new PrometheusEndpoint(registry, names, tokenGauges);
    }

    /**
     * The routes, token pools and upstreams in force: at start and after each reload.
     *
     * @param routeUpstreams every configured route's label and its upstream's name, in order
     * @param pools          token pools by upstream name
     * @param upstreams      the configuration the upstreams were built from
     */
    public synchronized void configure(Map<String, String> routeUpstreams, Map<String, TokenPool> pools,
                                       Map<String, UpstreamConfig> upstreams, RateLimiter limiter, QueueDepths queues) {
        names.addRoutes(List.copyOf(routeUpstreams.keySet()));
        dropwizard.startAtZero(routeUpstreams);
        tokenGauges.watch(pools);
        UpstreamGauges.register(registry, upstreams, limiter, queues);
        windowMargins.keySet().retainAll(upstreams.keySet());
        upstreams.forEach((name, config) -> windowMargins.put(name, config.windowMargin()));
    }

    /** Gauges over the running proxy, once it exists. */
    public void watch(IntSupplier inFlight, EventExecutorGroup eventLoops) {
        RuntimeGauges.register(registry, inFlight, eventLoops);
    }

    /** Gauges over the shared store: whether it answers and whether the failure mode is in force. */
    public void watchStore(StoreBackend store) {
        registry.gauge(MetricNames.STORE_AVAILABLE, () -> () -> store.available() ? 1L : 0L);
        registry.gauge(MetricNames.STORE_FALLBACK, () -> () -> store.failureModeActive() ? 1L : 0L);
    }

    /** Gauges of each quota's count and limit; again after a reload, which may change them. */
    public void watchQuotas(Map<String, UpstreamQuotas> quotas) {
        QuotaGauges.register(registry, quotas);
    }

    /** The margin in force for the upstream's configured windows. */
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
