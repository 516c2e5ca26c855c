package dev.rlproxy.server.metrics;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import dev.rlproxy.core.config.QuotaConfig;
import dev.rlproxy.core.usage.QuotaUsage;
import dev.rlproxy.core.usage.UpstreamQuotas;

import java.util.Map;

/**
 * Each quota's count in its current period and its limit, labelled by upstream and quota (a
 * token quota reports its most used token). Quotas change with reloads, so the gauges are
 * registered again after each one.
 */
final class QuotaGauges {

    private QuotaGauges() {
    }

    /** @param quotas every upstream's quotas, by upstream name */
    static void register(MetricRegistry registry, Map<String, UpstreamQuotas> quotas) {
        registry.removeMatching((name, metric) -> name.startsWith(MetricNames.QUOTA_USED + ".")
                || name.startsWith(MetricNames.QUOTA_LIMIT + "."));
        quotas.forEach((upstream, set) -> {
            for (QuotaConfig quota : set.quotas()) {
                String suffix = "." + MetricNames.segment(upstream) + "." + MetricNames.segment(quota.name());
                registry.gauge(MetricNames.QUOTA_USED + suffix, () -> (Gauge<Long>) () -> used(set, quota.name()));
                long limit = quota.limit();
                registry.gauge(MetricNames.QUOTA_LIMIT + suffix, () -> (Gauge<Long>) () -> limit);
            }
        });
    }

    private static long used(UpstreamQuotas set, String quota) {
        return set.usage().stream().filter(u -> u.quota().name().equals(quota))
                .mapToLong(QuotaUsage::used).findFirst().orElse(0);
    }
}
