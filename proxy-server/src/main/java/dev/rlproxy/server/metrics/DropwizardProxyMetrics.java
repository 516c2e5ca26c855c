package dev.rlproxy.server.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import dev.rlproxy.core.metrics.ProxyMetrics;
import dev.rlproxy.core.metrics.RequestOutcome;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Request-path events as Dropwizard metrics. Names are dotted with the labels as segments
 * ({@code rlproxy.requests.<upstream>.<route id>.<status class>}); {@link MetricNames} turns them
 * into Prometheus names and labels for {@code /metrics}.
 */
public final class DropwizardProxyMetrics implements ProxyMetrics {

    private final MetricRegistry registry;
    private final MetricNames names;
    private final Map<String, Map<String, RouteMetrics>> byRoute = new ConcurrentHashMap<>();
    private final Map<String, Timer> grantToWrite = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Counter>> tokenCheckouts = new ConcurrentHashMap<>();

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
        RouteMetrics metrics = routeMetrics(outcome.upstream(), outcome.route());
        metrics.requests(outcome.status()).inc();
        if (outcome.answeredByProxy()) {
            metrics.proxyAnswers.computeIfAbsent(outcome.proxyReason(), reason -> registry.counter(
                    MetricNames.PROXY_ANSWERS + metrics.suffix + "." + MetricNames.segment(reason))).inc();
        }
        if (!outcome.upstream().isEmpty()) { // requests refused before routing never queued
            metrics.queueWait().update(outcome.queueWaitNanos(), TimeUnit.NANOSECONDS);
        }
        if (outcome.upstreamNanos() >= 0) {
            metrics.upstreamLatency().update(outcome.upstreamNanos(), TimeUnit.NANOSECONDS);
        }
        add(metrics.requestBytes, outcome.bytesIn());
        add(metrics.responseBytes, outcome.bytesOut());
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
        grantToWrite.computeIfAbsent(upstream, u -> RequestTimer.of(registry, MetricNames.GRANT_TO_WRITE + "." + MetricNames.segment(u)))
                .update(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    @Override
    public void tokenCheckedOut(String upstream, String fingerprint) {
        tokenCheckouts.computeIfAbsent(upstream, u -> new ConcurrentHashMap<>())
                .computeIfAbsent(fingerprint, f -> registry.counter(MetricNames.TOKEN_CHECKOUTS + "."
                        + MetricNames.segment(upstream) + "." + MetricNames.segment(f)))
                .inc();
    }

    private static void add(Counter counter, long bytes) {
        if (bytes > 0) {
            counter.inc(bytes);
        }
    }

    private RouteMetrics routeMetrics(String upstream, String route) {
        return byRoute.computeIfAbsent(Objects.toString(upstream, ""), u -> new ConcurrentHashMap<>())
                .computeIfAbsent(Objects.toString(route, ""), r -> new RouteMetrics("." + MetricNames.segment(upstream) + "." + names.routeId(r)));
    }

    /**
     * One upstream and route's metrics. Series appear as before, on first use; the handles are kept
     * so each request finds them without building names or looking them up in the registry.
     * Concurrent first uses may both ask the registry, which returns the same metric.
     */
    private final class RouteMetrics {
        final String suffix;
        /** Indexed by status / 100 (0: no status). */
        final Counter[] requests = new Counter[6];
        final Map<String, Counter> proxyAnswers = new ConcurrentHashMap<>();
        final Counter requestBytes;
        final Counter responseBytes;
        Timer queueWait;
        Timer upstreamLatency;

        RouteMetrics(String suffix) {
            this.suffix = suffix;
            this.requestBytes = registry.counter(MetricNames.REQUEST_BYTES + suffix);
            this.responseBytes = registry.counter(MetricNames.RESPONSE_BYTES + suffix);
        }

        Counter requests(int status) {
            if (status >= 600) { // not a real HTTP status: named as it comes, not kept
                return registry.counter(MetricNames.REQUESTS + suffix + "." + status / 100 + "xx");
            }
            int index = status < 100 ? 0 : status / 100;
            Counter counter = requests[index];
            if (counter == null) {
                String statusClass = index == 0 ? "none" : index + "xx";
                counter = registry.counter(MetricNames.REQUESTS + suffix + "." + statusClass);
                requests[index] = counter;
            }
            return counter;
        }

        Timer queueWait() {
            if (queueWait == null) {
                queueWait = RequestTimer.of(registry, MetricNames.QUEUE_WAIT + suffix);
            }
            return queueWait;
        }

        Timer upstreamLatency() {
            if (upstreamLatency == null) {
                upstreamLatency = RequestTimer.of(registry, MetricNames.UPSTREAM_LATENCY + suffix);
            }
            return upstreamLatency;
        }
    }
}
