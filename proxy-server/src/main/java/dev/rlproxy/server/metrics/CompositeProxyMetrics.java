package dev.rlproxy.server.metrics;

import dev.rlproxy.core.metrics.ProxyMetrics;
import dev.rlproxy.core.metrics.RequestOutcome;

import java.util.List;

/** Reports each event to several listeners: the metrics registry and the access log. */
public final class CompositeProxyMetrics implements ProxyMetrics {

    private final List<ProxyMetrics> targets;

    public CompositeProxyMetrics(List<ProxyMetrics> targets) {
        this.targets = List.copyOf(targets);
    }

    @Override
    public void requestCompleted(RequestOutcome outcome) {
        targets.forEach(t -> t.requestCompleted(outcome));
    }

    @Override
    public void upstreamThrottled(String upstream, String route) {
        targets.forEach(t -> t.upstreamThrottled(upstream, route));
    }

    @Override
    public void tokenRetried(String upstream, String route) {
        targets.forEach(t -> t.tokenRetried(upstream, route));
    }

    @Override
    public void grantToWrite(String upstream, long nanos) {
        targets.forEach(t -> t.grantToWrite(upstream, nanos));
    }

    @Override
    public void tokenCheckedOut(String upstream, String fingerprint) {
        targets.forEach(t -> t.tokenCheckedOut(upstream, fingerprint));
    }
}
