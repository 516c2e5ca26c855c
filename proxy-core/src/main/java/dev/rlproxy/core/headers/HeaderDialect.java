package dev.rlproxy.core.headers;

/**
 * Turns one upstream's rate-limit response headers into a {@link RateLimitObservation}.
 *
 * <p>Implementations are total functions: whatever the input (missing, duplicate, negative,
 * overflowing or garbage values), they return an empty or partial observation and never throw.
 */
public interface HeaderDialect {

    /**
     * @param response       the upstream response
     * @param nowEpochMillis wall-clock now, to turn relative resets (delta seconds) into absolute ones
     */
    RateLimitObservation parse(UpstreamResponse response, long nowEpochMillis);
}
