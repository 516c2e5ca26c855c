package dev.rlproxy.core.store;

/**
 * The store's answer to a {@link WindowSync}.
 *
 * @param granted      units leased to the replica (at most what it wanted)
 * @param retryInMillis when nothing was granted: how long until the store may grant again (a reset or
 *                     retry-after plus margin), or -1 when it depends on other replicas (a probe out,
 *                     units held elsewhere): ask again shortly
 * @param heard        whether the bucket has a reported (or assumed) window in the store
 * @param boundTo      for a route's key: the upstream's bucket id a replica learned the route
 *                     belongs to (nothing is granted then: the route's requests go there), or null
 */
public record WindowGrant(int granted, long retryInMillis, boolean heard, String boundTo) {

    /** A grant for a key no route binding is known for. */
    public WindowGrant(int granted, long retryInMillis, boolean heard) {
        this(granted, retryInMillis, heard, null);
    }
}
