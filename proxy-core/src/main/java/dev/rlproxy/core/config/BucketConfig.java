package dev.rlproxy.core.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.rlproxy.core.limit.BucketLimit;

import java.time.Duration;

/**
 * A configured limit: no interval of length {@code per} sees more than {@code limit} requests.
 *
 * @param burst   how many may start back to back; null means {@code limit} (no spacing)
 * @param scope   who shares the bucket (default upstream)
 * @param maxKeys how many instances (tokens, routes, header values) may be tracked at once
 *                (default 100000); when full, idle ones are dropped, else new ones get 429
 */
public record BucketConfig(String name, long limit, Duration per, Long burst, BucketScope scope, Integer maxKeys) {

    public static final int DEFAULT_MAX_KEYS = 100_000;

    public BucketConfig {
        scope = scope == null ? BucketScope.UPSTREAM : scope;
        maxKeys = maxKeys == null ? DEFAULT_MAX_KEYS : maxKeys;
        Violations v = new Violations();
        v.check(Names.isIdentifier(name), "name", name == null ? "required" : Names.IDENTIFIER_RULE);
        v.check(limit >= 1, "limit", "must be at least 1, was " + limit);
        v.check(per != null && Durations.isPositive(per), "per", per == null ? "required, like 1s or 1h" : "must be positive");
        v.check(burst == null || (burst >= 1 && burst <= limit), "burst",
                "must be between 1 and limit (" + limit + "), was " + burst);
        v.check(maxKeys >= 1, "maxKeys", "must be at least 1, was " + maxKeys);
        v.throwIfAny();
    }

    /** A bucket with the default {@code maxKeys}: the constructor before that key existed. */
    public BucketConfig(String name, long limit, Duration per, Long burst, BucketScope scope) {
        this(name, limit, per, burst, scope, null);
    }

    /** Jackson's entry point: a missing limit is reported as such instead of defaulting to 0. */
    @JsonCreator
    static BucketConfig fromYaml(@JsonProperty("name") String name, @JsonProperty("limit") Long limit,
                                 @JsonProperty("per") Duration per, @JsonProperty("burst") Long burst,
                                 @JsonProperty("scope") BucketScope scope,
                                 @JsonProperty("maxKeys") Integer maxKeys) {
        if (limit == null) {
            throw InvalidConfigException.at("limit", "required, a whole number of requests");
        }
        return new BucketConfig(name, limit, per, burst, scope, maxKeys);
    }

    /** The limit in the limiter's terms. */
    public BucketLimit toLimit() {
        return new BucketLimit(limit, per, burst == null ? limit : burst);
    }
}
