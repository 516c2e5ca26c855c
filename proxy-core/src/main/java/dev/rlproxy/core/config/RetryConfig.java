package dev.rlproxy.core.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * @param maxAttempts how many times a replayable request is sent in total when the upstream
 *                    throttles it, each retry with another token (default 3, at least 1)
 */
public record RetryConfig(int maxAttempts) {

    public static final int DEFAULT_MAX_ATTEMPTS = 3;

    public RetryConfig {
        Violations v = new Violations();
        v.check(maxAttempts >= 1, "maxAttempts", "must be at least 1, was " + maxAttempts);
        v.throwIfAny();
    }

    /** Jackson's entry point: an absent key arrives as null and takes its default. */
    @JsonCreator
    static RetryConfig fromYaml(@JsonProperty("maxAttempts") Integer maxAttempts) {
        return new RetryConfig(maxAttempts == null ? DEFAULT_MAX_ATTEMPTS : maxAttempts);
    }

    public static RetryConfig defaults() {
        return new RetryConfig(DEFAULT_MAX_ATTEMPTS);
    }
}
