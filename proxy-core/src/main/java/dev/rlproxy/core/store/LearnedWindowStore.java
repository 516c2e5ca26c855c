package dev.rlproxy.core.store;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Where the learned windows of several replicas meet: what the upstream reported (remaining,
 * limit, reset), and leases of the remaining that each replica admits from locally.
 *
 * <p>The accounting (see {@code docs/shared-state.md}, "Learned windows"): per window the store
 * keeps {@code avail}, units no replica holds, and per replica {@code outstanding}, units it holds
 * as unused lease credits or as requests in flight. It keeps {@code avail + Σ outstanding} at or
 * below what the upstream may still accept: a lease moves units from avail to outstanding, a
 * completion drops them from outstanding, a return moves them back, and a report sets avail to the
 * reported remaining minus every replica's outstanding (in the same window only ever lower). A
 * bucket never heard from grants one probe cluster-wide, and only while nothing is outstanding.
 *
 * <p>Implementations answer off the caller's thread or at once; callers never block on them.
 */
public interface LearnedWindowStore {

    /** Applies one replica's news about one learned bucket and leases it up to {@code want} units. */
    CompletableFuture<WindowGrant> sync(WindowSync sync);

    /** Whether the store can be asked now; while not, replicas follow their failure mode. A store in this process always can. */
    default boolean isAvailable() {
        return true;
    }

    /** Hears {@code false} when the store becomes unavailable and {@code true} when it is back; a store in this process never changes. */
    default void onAvailabilityChange(Consumer<Boolean> listener) {
    }
}
