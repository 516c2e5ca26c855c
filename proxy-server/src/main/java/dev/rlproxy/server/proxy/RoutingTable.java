package dev.rlproxy.server.proxy;

/**
 * The routes and the queue's max wait in force, swapped as one by a reload. A request reads them
 * once, when it arrives: its route (and through it the upstream, buckets, dialect and timeouts)
 * stays what it started with, so a reload never changes a request half-way.
 */
public final class RoutingTable {

    private record InForce(Router router, long maxWaitNanos) {
    }

    private volatile InForce inForce;

    public RoutingTable(Router router, long maxWaitNanos) {
        this.inForce = new InForce(router, maxWaitNanos);
    }

    public Router router() {
        return inForce.router();
    }

    /** {@code queue.maxWait}: the whole budget a new request gets for its token and tickets. */
    public long maxWaitNanos() {
        return inForce.maxWaitNanos();
    }

    /** From now on new requests are routed by {@code router} and wait at most {@code maxWaitNanos}. */
    public void replace(Router router, long maxWaitNanos) {
        this.inForce = new InForce(router, maxWaitNanos);
    }
}
