package dev.rlproxy.server.upstream;

import java.time.Duration;

/**
 * How the proxy talks to one upstream.
 *
 * @param connectTimeout          TCP (+TLS) connect budget
 * @param responseTimeout         time from sending the request to the response's status line
 * @param maxConnectionsPerLoop   pooled keep-alive connections per event loop
 * @param maxPendingAcquires      requests that may wait for a pooled connection per event loop
 */
public record UpstreamSettings(Duration connectTimeout, Duration responseTimeout,
                               int maxConnectionsPerLoop, int maxPendingAcquires) {

    public UpstreamSettings {
        if (maxConnectionsPerLoop < 1 || maxPendingAcquires < 0) {
            throw new IllegalArgumentException("connection pool bounds must be positive");
        }
    }
}
