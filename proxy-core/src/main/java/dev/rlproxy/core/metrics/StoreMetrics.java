package dev.rlproxy.core.metrics;

/**
 * What the shared store reports: round trips, failures, and whether it is reachable. Like
 * {@link ProxyMetrics}, every method is a no-op by default and {@link #NONE} reports nowhere; the
 * server supplies a real implementation. Called on store threads: must be thread-safe and not block.
 */
public interface StoreMetrics {

    StoreMetrics NONE = new StoreMetrics() {
    };

    /** One call was sent to the store, answered or not. */
    default void roundTrip() {
    }

    /** A call failed: unreachable, timed out, refused for a full queue, or an error reply. */
    default void failure() {
    }
}
