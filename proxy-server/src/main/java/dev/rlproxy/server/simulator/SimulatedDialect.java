package dev.rlproxy.server.simulator;

/** Which real API the simulator imitates: the rate-limit headers it sends and how it refuses. */
public enum SimulatedDialect {
    /** {@code X-RateLimit-*} with epoch-second reset; 403 {@code "API rate limit exceeded"} when over. */
    GITHUB,
    /**
     * Per-route buckets ({@code X-RateLimit-Bucket}, fractional reset times) plus a global per-second
     * limit per token; 429 with {@code retry_after} when over.
     */
    DISCORD,
    /** {@code x-ratelimit-*-requests} with Go-style reset durations; 429 when over. */
    OPENAI,
    /** IETF draft {@code RateLimit} / {@code RateLimit-Policy}; 429 with {@code Retry-After}. */
    IETF,
    /** No rate-limit headers at all, yet still enforced: 429 with {@code Retry-After}. */
    NONE
}
