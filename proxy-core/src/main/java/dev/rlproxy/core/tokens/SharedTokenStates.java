package dev.rlproxy.core.tokens;

import dev.rlproxy.core.store.TokenPoolStore;
import dev.rlproxy.core.time.Scheduler;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Keeps one pool's view in step with the other replicas': every {@link TokenPoolSharing#syncInterval()}
 * one round trip writes the tokens observed since the last one and this replica's requests in flight,
 * and reads back every token's shared state for the pool to adopt. The token set is reconciled in the
 * store whenever the pool's changes (start, reload), and again after a failed attempt. A failed sync
 * leaves the pool on its own view (nothing in flight elsewhere) until the store answers again.
 */
final class SharedTokenStates {

    /** What the pool offers this collaborator; called without holding this collaborator's monitor. */
    interface Pool {
        /** This replica's requests in flight by fingerprint. */
        Map<String, Integer> inFlightByFingerprint();

        /** The shared view to adopt; empty when the store could not be asked. */
        void adopt(Map<String, TokenPoolStore.SharedTokenState> view);

        boolean isClosed();
    }

    private final TokenPoolSharing sharing;
    private final String poolName;
    private final Scheduler scheduler;
    private final TokenPoolStore.TokenTiming timing;
    private volatile Pool pool;

    // Guarded by this.
    private final Map<String, TokenPoolStore.TokenReport> observed = new HashMap<>();
    private Set<String> toReconcile;
    /** The pool's tokens: reconciled again after a failure, since Redis may have come back empty. */
    private Set<String> fingerprints = Set.of();
    private boolean started;

    SharedTokenStates(TokenPoolSharing sharing, String poolName, Scheduler scheduler, TokenPoolSettings settings) {
        this.sharing = sharing;
        this.poolName = poolName;
        this.scheduler = scheduler;
        this.timing = new TokenPoolStore.TokenTiming(settings.grace().toMillis(), sharing.staleReplica().toMillis());
    }

    /** The pool's tokens are now {@code fingerprints}: reconciled in the store with the next sync. */
    synchronized void tokensChanged(Pool pool, Set<String> fingerprints) {
        this.pool = pool;
        this.fingerprints = Set.copyOf(fingerprints);
        toReconcile = this.fingerprints;
        if (!started) {
            started = true;
            scheduler.schedule(this::sync, 0);
        }
    }

    /** A token's view after a response (its latest view replaces an earlier unsent one). */
    synchronized void observed(TokenPoolStore.TokenReport report) {
        observed.put(report.fingerprint(), report);
    }

    private void sync() {
        Set<String> reconcile;
        List<TokenPoolStore.TokenReport> reports;
        boolean closed = pool.isClosed(); // the pool's lock is never taken inside this one's (the pool calls in holding it)
        synchronized (this) {
            if (closed) {
                started = false;
                return;
            }
            reconcile = toReconcile;
            toReconcile = null;
            reports = List.copyOf(observed.values());
            observed.clear();
        }
        Map<String, Integer> inFlight = pool.inFlightByFingerprint();
        CompletableFuture<Void> reconciled = reconcile == null ? CompletableFuture.completedFuture(null)
                : sharing.store().reconcile(poolName, reconcile);
        reconciled.thenCompose(done -> sharing.store().sync(poolName, sharing.replicaId(), reports, inFlight, timing))
                .whenComplete((view, error) -> scheduler.schedule(() -> synced(reports, view, error), 0));
    }

    private void synced(List<TokenPoolStore.TokenReport> reports,
                        Map<String, TokenPoolStore.SharedTokenState> view, Throwable error) {
        synchronized (this) {
            if (error != null) {
                reports.forEach(r -> observed.putIfAbsent(r.fingerprint(), r));
                if (toReconcile == null) {
                    toReconcile = fingerprints;
                }
            }
        }
        pool.adopt(error == null ? view : Map.of());
        scheduler.schedule(this::sync, sharing.syncInterval().toNanos());
    }
}
