package dev.rlproxy.core.metrics;

/**
 * What the request path reports as it runs, for metrics and the access log. Every method has a
 * no-op default and {@link #NONE} reports nowhere, so the domain and its tests need no metrics
 * library (the pattern of HikariCP's metrics tracker); the server supplies a real implementation.
 *
 * <p>Called on event-loop threads: implementations must be thread-safe and must not block.
 * Token values never pass through here, only fingerprints.
 */
public interface ProxyMetrics {

    ProxyMetrics NONE = new ProxyMetrics() {
    };

    /** One client request is over: answered by the upstream or the proxy, or the client went away. */
    default void requestCompleted(RequestOutcome outcome) {
    }

    /** The upstream answered throttled (429 or its rate-limit headers said so): the number the proxy keeps at zero. */
    default void upstreamThrottled(String upstream, String route) {
    }

    /** A throttled or rejected answer is being retried with another token. */
    default void tokenRetried(String upstream, String route) {
    }

    /**
     * A request was written to the upstream {@code nanos} after its ticket was granted (waiting for
     * a pooled connection, a new connection, a TLS handshake). The limiter counts it from the write,
     * so the delay costs throughput, not correctness; watching it shows what the pool costs.
     */
    default void grantToWrite(String upstream, long nanos) {
    }

    /** A pooled token was checked out for a request. */
    default void tokenCheckedOut(String upstream, String fingerprint) {
    }
}
