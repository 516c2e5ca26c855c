package dev.rlproxy.server.upstream;

import java.time.Duration;

/**
 * How the proxy talks to one upstream.
 *
 * @param connectTimeout          TCP connect plus TLS handshake budget
 * @param responseTimeout         time from sending the request to the response's status line
 * @param maxConnections          keep-alive connections at most, idle and busy, over all event loops
 * @param minIdle                 connections opened at start and kept open while idle
 * @param maxConnectsPerSecond    new connections opened per second at most
 * @param maxPendingAcquires      requests that may wait for a pooled connection per event loop
 */
public record UpstreamSettings(Duration connectTimeout, Duration responseTimeout, int maxConnections,
                               int minIdle, int maxConnectsPerSecond, int maxPendingAcquires) {

    public UpstreamSettings {
        if (maxConnections < 1 || minIdle < 0 || minIdle > maxConnections || maxConnectsPerSecond < 1
                || maxPendingAcquires < 0) {
            throw new IllegalArgumentException("connection pool bounds must be positive (and minIdle <= maxConnections)");
        }
    }
}
