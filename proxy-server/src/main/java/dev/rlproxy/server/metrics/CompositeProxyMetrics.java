package dev.rlproxy.server.metrics;

import dev.rlproxy.core.metrics.ProxyMetrics;
import dev.rlproxy.core.metrics.RequestOutcome;

import java.util.List;

/**
 * Reports each event to several listeners: the metrics registry and the access log. Plain loops
 * over an array: these run several times per request, where a capturing lambda and an iterator
 * would each allocate.
 */
public final class CompositeProxyMetrics implements ProxyMetrics {

    private final ProxyMetrics[] targets;

    public CompositeProxyMetrics(List<ProxyMetrics> targets) {
        this.targets = targets.toArray(new ProxyMetrics[0]);
    }

    @Override
    public void requestCompleted(RequestOutcome outcome) {
        for (ProxyMetrics t : targets) {
            t.requestCompleted(outcome);
        }
    }

    @Override
    public void upstreamThrottled(String upstream, String route) {
        for (ProxyMetrics t : targets) {
            t.upstreamThrottled(upstream, route);
        }
    }

    @Override
    public void tokenRetried(String upstream, String route) {
        for (ProxyMetrics t : targets) {
            t.tokenRetried(upstream, route);
        }
    }

    @Override
    public void grantToWrite(String upstream, long nanos) {
        for (ProxyMetrics t : targets) {
            t.grantToWrite(upstream, nanos);
        }
    }

    @Override
    public void tokenCheckedOut(String upstream, String fingerprint) {
        for (ProxyMetrics t : targets) {
            t.tokenCheckedOut(upstream, fingerprint);
        }
    }
}
