package dev.rlproxy.server.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.Timer;

import java.util.Map;

/**
 * One upstream's counters summed over its routes, for {@code /status} and the dashboard.
 *
 * @param requests      requests answered (any status, by anyone)
 * @param throttled     throttled answers from the upstream (the number the proxy keeps at zero)
 * @param proxyAnswers  answers the proxy gave itself
 * @param tokenRetries  requests sent again with another token
 * @param queueWaitP99Ms 99th percentile of the queue wait over the recent window (Dropwizard's reservoir)
 * @param upstreamP99Ms  99th percentile of upstream latency, likewise
 * @param grantToWrite   requests written to the upstream, and how long after their ticket
 */
public record UpstreamTotals(long requests, long throttled, long proxyAnswers, long tokenRetries,
                             double queueWaitP99Ms, double queueWaitMeanMs, double upstreamP99Ms,
                             GrantToWrite grantToWrite) {

    /**
     * @param writes count of requests written (each retry is a write of its own)
     * @param p99Ms  99th percentile over the recent window (Dropwizard's reservoir)
     * @param p999Ms 99.9th percentile, likewise
     * @param maxMs  the longest in the recent window
     */
    public record GrantToWrite(long writes, double p99Ms, double p999Ms, double maxMs) {
    }

    static UpstreamTotals of(MetricRegistry registry, String upstream) {
        String segment = "." + MetricNames.segment(upstream) + ".";
        return new UpstreamTotals(
                sum(registry, MetricNames.REQUESTS + segment),
                sum(registry, MetricNames.UPSTREAM_THROTTLED + segment),
                sum(registry, MetricNames.PROXY_ANSWERS + segment),
                sum(registry, MetricNames.TOKEN_RETRIES + segment),
                timer(registry, MetricNames.QUEUE_WAIT + segment, true),
                timer(registry, MetricNames.QUEUE_WAIT + segment, false),
                timer(registry, MetricNames.UPSTREAM_LATENCY + segment, true),
                grantToWrite(registry.getTimers().get(MetricNames.GRANT_TO_WRITE + "." + MetricNames.segment(upstream))));
    }

    private static GrantToWrite grantToWrite(Timer timer) {
        if (timer == null) {
            return new GrantToWrite(0, 0, 0, 0);
        }
        Snapshot snapshot = timer.getSnapshot();
        return new GrantToWrite(timer.getCount(), snapshot.get99thPercentile() / 1_000_000.0,
                snapshot.get999thPercentile() / 1_000_000.0, snapshot.getMax() / 1_000_000.0);
    }

    private static long sum(MetricRegistry registry, String prefix) {
        long total = 0;
        for (Counter counter : registry.getCounters((name, metric) -> name.startsWith(prefix)).values()) {
            total += counter.getCount();
        }
        return total;
    }

    /** The worst p99 (or mean) over the upstream's routes, in milliseconds. */
    private static double timer(MetricRegistry registry, String prefix, boolean p99) {
        double worst = 0;
        for (Map.Entry<String, Timer> entry : registry.getTimers((name, metric) -> name.startsWith(prefix)).entrySet()) {
            Snapshot snapshot = entry.getValue().getSnapshot();
            worst = Math.max(worst, (p99 ? snapshot.get99thPercentile() : snapshot.getMean()) / 1_000_000.0);
        }
        return worst;
    }
}
