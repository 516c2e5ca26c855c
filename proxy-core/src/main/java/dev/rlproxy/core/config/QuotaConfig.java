package dev.rlproxy.core.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * At most {@code limit} of {@code metric} per calendar {@code period} (UTC).
 *
 * @param scope       {@code upstream} (default): one count for the upstream; {@code token}: one per pooled token
 * @param exactWithin once no more than this much of the limit is left, every admission asks the store
 *                    first (exact across replicas); default 1% of {@code limit}, at least 1
 */
public record QuotaConfig(String name, QuotaMetric metric, long limit, QuotaPeriod period, QuotaScope scope,
                          Long exactWithin) {

    public QuotaConfig {
        scope = scope == null ? QuotaScope.UPSTREAM : scope;
        exactWithin = exactWithin == null ? Math.max(1, limit / 100) : exactWithin;
        Violations v = new Violations();
        v.check(Names.isIdentifier(name), "name", name == null ? "required" : Names.IDENTIFIER_RULE);
        v.check(metric != null, "metric", "required: " + YamlEnums.choices(QuotaMetric.class));
        v.check(limit >= 1, "limit", "must be at least 1, was " + limit);
        v.check(period != null, "period", "required: " + YamlEnums.choices(QuotaPeriod.class));
        v.check(exactWithin >= 0, "exactWithin", "must be at least 0, was " + exactWithin);
        v.throwIfAny();
    }

    /** A quota for the whole upstream with the default {@code exactWithin}. */
    public QuotaConfig(String name, QuotaMetric metric, long limit, QuotaPeriod period) {
        this(name, metric, limit, period, null, null);
    }

    /** Jackson's entry point: a missing limit is reported as such instead of defaulting to 0. */
    @JsonCreator
    static QuotaConfig fromYaml(@JsonProperty("name") String name, @JsonProperty("metric") QuotaMetric metric,
                                @JsonProperty("limit") Long limit, @JsonProperty("period") QuotaPeriod period,
                                @JsonProperty("scope") QuotaScope scope,
                                @JsonProperty("exactWithin") Long exactWithin) {
        if (limit == null) {
            throw InvalidConfigException.at("limit", "required, a whole number");
        }
        return new QuotaConfig(name, metric, limit, period, scope, exactWithin);
    }
}
