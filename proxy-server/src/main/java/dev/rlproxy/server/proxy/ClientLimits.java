package dev.rlproxy.server.proxy;

import java.time.Duration;

/**
 * How long a client connection may keep the proxy waiting, and how many connections clients may
 * hold (the {@code server.*} timeouts and caps).
 *
 * @param headerTimeout           a request head must be complete this long after it began
 * @param idleTimeout             a kept-alive connection may wait this long for its next request
 * @param bodyTimeout             longest silence while the proxy waits for more of a request body
 * @param maxConnections          open client connections at most
 * @param maxConnectionsPerClient open connections from one IP address at most
 */
public record ClientLimits(Duration headerTimeout, Duration idleTimeout, Duration bodyTimeout,
                           int maxConnections, int maxConnectionsPerClient) {

    public ClientLimits {
        if (maxConnections < 1 || maxConnectionsPerClient < 1) {
            throw new IllegalArgumentException("connection caps must be at least 1");
        }
    }
}
