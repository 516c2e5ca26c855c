package dev.rlproxy.server.proxy;

import dev.rlproxy.core.limit.Clock;
import dev.rlproxy.core.limit.RateLimiter;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every exchange shares: routes, the limiter, time, and the proxy-wide bounds.
 *
 * @param maxWaitNanos       queue.maxWait: the whole budget for getting a token and tickets
 * @param maxRequestBodyBytes server.maxRequestBody
 * @param replayBufferBytes  request bodies up to this size are buffered, so they can be retried
 * @param inFlight           exchanges started and not yet finished (graceful shutdown waits for 0)
 */
public record ProxyRuntime(Router router, RateLimiter limiter, Clock clock, long maxWaitNanos,
                           long maxRequestBodyBytes, long replayBufferBytes, AtomicInteger inFlight) {

    public ProxyRuntime(Router router, RateLimiter limiter, Clock clock, long maxWaitNanos,
                        long maxRequestBodyBytes, long replayBufferBytes) {
        this(router, limiter, clock, maxWaitNanos, maxRequestBodyBytes, replayBufferBytes, new AtomicInteger());
    }
}
