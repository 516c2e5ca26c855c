package dev.rlproxy.server.proxy;

import dev.rlproxy.core.limit.RateLimiter;
import dev.rlproxy.core.metrics.ProxyMetrics;

import dev.rlproxy.core.time.Clock;

/**
 * What every exchange shares: routes, the limiter, time, and the proxy-wide bounds.
 *
 * @param routing            the routes and {@code queue.maxWait} in force (a reload replaces them)
 * @param maxRequestBodyBytes server.maxRequestBody
 * @param replayBufferBytes  request bodies up to this size are buffered, so they can be retried
 * @param metrics            where the request path reports what it does (metrics, access log)
 * @param draining           the client connections and the exchanges in flight on them, and whether
 *                           graceful shutdown has begun
 * @param queues             requests waiting for a token or ticket, per upstream
 */
public record ProxyRuntime(RoutingTable routing, RateLimiter limiter, Clock clock,
                           long maxRequestBodyBytes, long replayBufferBytes,
                           ProxyMetrics metrics, Draining draining, QueueDepths queues) {

    public ProxyRuntime(Router router, RateLimiter limiter, Clock clock, long maxWaitNanos,
                        long maxRequestBodyBytes, long replayBufferBytes) {
        this(router, limiter, clock, maxWaitNanos, maxRequestBodyBytes, replayBufferBytes, ProxyMetrics.NONE);
    }

    public ProxyRuntime(Router router, RateLimiter limiter, Clock clock, long maxWaitNanos,
                        long maxRequestBodyBytes, long replayBufferBytes, ProxyMetrics metrics) {
        this(new RoutingTable(router, maxWaitNanos), limiter, clock, maxRequestBodyBytes, replayBufferBytes,
                metrics, new Draining(), new QueueDepths());
    }

    /** The routes in force now. */
    public Router router() {
        return routing.router();
    }

    /** {@code queue.maxWait} in force now: the whole budget for getting a token and tickets. */
    public long maxWaitNanos() {
        return routing.maxWaitNanos();
    }
}
