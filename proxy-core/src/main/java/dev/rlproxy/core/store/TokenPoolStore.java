package dev.rlproxy.core.store;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The state of a token pool shared by the replicas, by token fingerprint (never a token value):
 * each token's quota as the upstream last reported it, when it is spent until, and how many requests
 * every replica has in flight with it. Replicas write what they observe and read everyone's view on
 * a short interval; checkout itself stays local.
 *
 * <p>Merging follows the local pool: a later reset is a new window and is taken as said; in the
 * same window the lower remaining wins; a passed reset (plus grace) restores the limit; a spent
 * mark only ever moves later. Implementations answer off the caller's thread or at once.
 */
public interface TokenPoolStore {

    /**
     * Makes the pool's tokens in the store exactly {@code fingerprints}: tokens present keep their
     * state, new ones start untouched, others are deleted.
     */
    CompletableFuture<Void> reconcile(String pool, Set<String> fingerprints);

    /**
     * Applies {@code reports} (tokens not in the pool are ignored) and this replica's requests in
     * flight per token, and answers every token's shared state as this replica should see it.
     *
     * @param inFlight this replica's requests in flight by fingerprint, absolute (a token missing has none)
     */
    CompletableFuture<Map<String, SharedTokenState>> sync(String pool, String replica, List<TokenReport> reports,
                                                          Map<String, Integer> inFlight, TokenTiming timing);

    /**
     * What one replica last saw of a token.
     *
     * @param limit          calls per window, or -1 unknown
     * @param remaining      calls left, or -1 unknown
     * @param resetAtMillis  when the window resets (epoch millis), or -1 unknown
     * @param spentUntilMillis when a throttled or spent token may be used again (epoch millis), or -1
     */
    record TokenReport(String fingerprint, long limit, long remaining, long resetAtMillis, long spentUntilMillis) {
    }

    /**
     * One token as the cluster sees it.
     *
     * @param inFlightElsewhere requests other replicas have in flight with it
     */
    record SharedTokenState(String fingerprint, long limit, long remaining, long resetAtMillis, long spentUntilMillis,
                            int inFlightElsewhere) {
    }

    /**
     * @param graceMillis        added to every reset before the quota comes back
     * @param staleReplicaMillis a replica silent this long no longer has anything in flight
     */
    record TokenTiming(long graceMillis, long staleReplicaMillis) {
    }
}
