package dev.rlproxy.core.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The keep-alive connection pool of one upstream ({@code upstreams.<name>.pool}).
 *
 * @param maxConnections       open connections at most, idle and busy together, over all event loops (default 128)
 * @param minIdle              connections opened at start and kept open while idle, so requests
 *                             rarely wait for a connect or TLS handshake (default 0)
 * @param maxConnectsPerSecond new connections opened per second at most, spread evenly, so a burst
 *                             of clients does not overrun a small accept backlog (default 1,000: a
 *                             hundred at once, so a step from a few to hundreds of concurrent
 *                             requests waits a fraction of a second for its connections, not seconds)
 */
public record PoolConfig(int maxConnections, int minIdle, int maxConnectsPerSecond) {

    public static final int DEFAULT_MAX_CONNECTIONS = 128;
    public static final int DEFAULT_MIN_IDLE = 0;
    public static final int DEFAULT_MAX_CONNECTS_PER_SECOND = 1_000;
    /** Far beyond what one upstream needs; a typo of extra digits is caught. */
    static final int MAX_CONNECTIONS_LIMIT = 10_000;

    public PoolConfig {
        Violations v = new Violations();
        v.check(maxConnections >= 1 && maxConnections <= MAX_CONNECTIONS_LIMIT, "maxConnections",
                "must be between 1 and " + MAX_CONNECTIONS_LIMIT + ", was " + maxConnections);
        v.check(minIdle >= 0 && minIdle <= maxConnections, "minIdle",
                "must be between 0 and maxConnections (" + maxConnections + "), was " + minIdle);
        v.check(maxConnectsPerSecond >= 1 && maxConnectsPerSecond <= MAX_CONNECTIONS_LIMIT, "maxConnectsPerSecond",
                "must be between 1 and " + MAX_CONNECTIONS_LIMIT + ", was " + maxConnectsPerSecond);
        v.throwIfAny();
    }

    /** Jackson's entry point: an absent key arrives as null and takes its default. */
    @JsonCreator
    static PoolConfig fromYaml(@JsonProperty("maxConnections") Integer maxConnections,
                               @JsonProperty("minIdle") Integer minIdle,
                               @JsonProperty("maxConnectsPerSecond") Integer maxConnectsPerSecond) {
        return new PoolConfig(maxConnections == null ? DEFAULT_MAX_CONNECTIONS : maxConnections,
                minIdle == null ? DEFAULT_MIN_IDLE : minIdle,
                maxConnectsPerSecond == null ? DEFAULT_MAX_CONNECTS_PER_SECOND : maxConnectsPerSecond);
    }

    public static PoolConfig defaults() {
        return new PoolConfig(DEFAULT_MAX_CONNECTIONS, DEFAULT_MIN_IDLE, DEFAULT_MAX_CONNECTS_PER_SECOND);
    }
}
