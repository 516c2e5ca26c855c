package dev.rlproxy.core.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/** At most {@code limit} of {@code metric} per calendar {@code period} (UTC). All keys required. */
public record QuotaConfig(String name, QuotaMetric metric, long limit, QuotaPeriod period) {

    public QuotaConfig {
        Violations v = new Violations();
        v.check(Names.isIdentifier(name), "name", name == null ? "required" : Names.IDENTIFIER_RULE);
        v.check(metric != null, "metric", "required: " + YamlEnums.choices(QuotaMetric.class));
        v.check(limit >= 1, "limit", "must be at least 1, was " + limit);
        v.check(period != null, "period", "required: " + YamlEnums.choices(QuotaPeriod.class));
        v.throwIfAny();
    }

    /** Jackson's entry point: a missing limit is reported as such instead of defaulting to 0. */
    @JsonCreator
    static QuotaConfig fromYaml(@JsonProperty("name") String name, @JsonProperty("metric") QuotaMetric metric,
                                @JsonProperty("limit") Long limit, @JsonProperty("period") QuotaPeriod period) {
        if (limit == null) {
            throw InvalidConfigException.at("limit", "required, a whole number");
        }
        return new QuotaConfig(name, metric, limit, period);
    }
}
