package dev.rlproxy.core.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Duration;

/**
 * Requests waiting for their tickets.
 *
 * @param maxWait  a request that cannot get its tickets in time gets 429 + Retry-After (default 30s)
 * @param maxDepth more waiting requests than this are refused at once (default 10000)
 */
public record QueueConfig(Duration maxWait, int maxDepth) {

    public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_DEPTH = 10_000;

    public QueueConfig {
        maxWait = maxWait == null ? DEFAULT_MAX_WAIT : maxWait;
        Violations v = new Violations();
        v.check(!maxWait.isNegative(), "maxWait", "must not be negative");
        v.check(maxDepth >= 0, "maxDepth", "must not be negative, was " + maxDepth);
        v.throwIfAny();
    }

    /** Jackson's entry point: absent keys arrive as null and take their defaults. */
    @JsonCreator
    static QueueConfig fromYaml(@JsonProperty("maxWait") Duration maxWait,
                                @JsonProperty("maxDepth") Integer maxDepth) {
        return new QueueConfig(maxWait, maxDepth == null ? DEFAULT_MAX_DEPTH : maxDepth);
    }

    public static QueueConfig defaults() {
        return fromYaml(null, null);
    }
}
