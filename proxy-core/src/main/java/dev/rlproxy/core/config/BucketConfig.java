package dev.rlproxy.core.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.rlproxy.core.limit.BucketLimit;

import java.time.Duration;

/**
 * A configured limit: no interval of length {@code per} sees more than {@code limit} requests; or,
 * with {@code maxConcurrent}, no more than that many requests in flight at once.
 *
 * @param limit         requests per {@code per}; 0 for an in-flight cap
 * @param burst         how many may start back to back; null means {@code limit} (no spacing)
 * @param scope         who shares the bucket (default upstream)
 * @param maxKeys       how many instances (tokens, routes, header values) may be tracked at once
 *                      (default 100000); when full, idle ones are dropped, else new ones get 429
 * @param maxConcurrent requests in flight at once (from admission until the response has been
 *                      relayed); null for a rate bucket. Takes no limit, per or burst.
 */
public record BucketConfig(String name, long limit, Duration per, Long burst, BucketScope scope, Integer maxKeys,
                           Integer maxConcurrent) {

    public static final int DEFAULT_MAX_KEYS = 100_000;
    /** Highest in-flight cap: far above any API's concurrency limit, well below overflow. */
    public static final int MAX_CONCURRENT = 100_000;

    public BucketConfig {
        scope = scope == null ? BucketScope.UPSTREAM : scope;
        maxKeys = maxKeys == null ? DEFAULT_MAX_KEYS : maxKeys;
        Violations v = new Violations();
        v.check(Names.isIdentifier(name), "name", name == null ? "required" : Names.IDENTIFIER_RULE);
        if (maxConcurrent != null) {
            v.check(maxConcurrent >= 1 && maxConcurrent <= MAX_CONCURRENT, "maxConcurrent",
                    "must be between 1 and " + MAX_CONCURRENT + ", was " + maxConcurrent);
            v.check(limit == 0 && per == null && burst == null, "maxConcurrent",
                    "an in-flight cap takes no limit, per or burst; give those their own bucket");
        } else {
            v.check(limit >= 1, "limit", "must be at least 1, was " + limit);
            v.check(per != null && Durations.isPositive(per), "per", per == null ? "required, like 1s or 1h" : "must be positive");
            v.check(burst == null || (burst >= 1 && burst <= limit), "burst",
                    "must be between 1 and limit (" + limit + "), was " + burst);
        }
        v.check(maxKeys >= 1, "maxKeys", "must be at least 1, was " + maxKeys);
        v.throwIfAny();
    }

    /** A rate bucket: {@code limit} per {@code per}. */
    public BucketConfig(String name, long limit, Duration per, Long burst, BucketScope scope) {
        this(name, limit, per, burst, scope, null, null);
    }

    /** Jackson's entry point: a missing limit is reported as such instead of defaulting to 0. */
    @JsonCreator
    static BucketConfig fromYaml(@JsonProperty("name") String name, @JsonProperty("limit") Long limit,
                                 @JsonProperty("per") Duration per, @JsonProperty("burst") Long burst,
                                 @JsonProperty("scope") BucketScope scope,
                                 @JsonProperty("maxKeys") Integer maxKeys,
                                 @JsonProperty("maxConcurrent") Integer maxConcurrent) {
        if (limit == null && maxConcurrent == null) {
            throw InvalidConfigException.at("limit", "required, a whole number of requests");
        }
        if (limit != null && maxConcurrent != null) {
            throw InvalidConfigException.at("maxConcurrent", "an in-flight cap takes no limit, per or burst; give those their own bucket");
        }
        return new BucketConfig(name, limit == null ? 0 : limit, per, burst, scope, maxKeys, maxConcurrent);
    }

    /** Whether this caps requests in flight rather than requests per interval. */
    public boolean capsInFlight() {
        return maxConcurrent != null;
    }

    /** The limit in the limiter's terms; only for a rate bucket. */
    public BucketLimit toLimit() {
        if (capsInFlight()) {
            throw new IllegalStateException("bucket '" + name + "' is an in-flight cap, not a rate");
        }
        return new BucketLimit(limit, per, burst == null ? limit : burst);
    }
}
