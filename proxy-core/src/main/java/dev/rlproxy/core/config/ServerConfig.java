package dev.rlproxy.core.config;

import java.net.URI;
import java.time.Duration;

/**
 * The proxy's client-facing listener.
 *
 * @param listen                  where clients connect; port 0 picks a free port (default 127.0.0.1:8080)
 * @param maxRequestBody          larger request bodies get 413 (default 10MiB, at most 2GiB - 1)
 * @param headerTimeout           a request head must be complete this long after it started (on a new
 *                                connection: after accept); else 408 and close (default 60s, as nginx)
 * @param idleTimeout             a kept-alive connection waiting for its next request is closed after
 *                                this long (default 75s, as nginx's keepalive_timeout)
 * @param bodyTimeout             longest silence while the proxy waits to read more of a request body;
 *                                else 408, close, and the upstream never gets the rest (default 60s)
 * @param maxConnections          open client connections at most; more are closed at accept (default
 *                                10000, and never more than half the process's open-file limit)
 * @param maxConnectionsPerClient open connections from one client IP address at most (default 1024)
 * @param trustForwardedHeaders   keep the forwarding headers clients send ({@code X-Forwarded-*},
 *                                {@code Forwarded}, {@code X-Real-IP}, {@code Via}); by default they are
 *                                stripped, since any client can forge them (default false)
 * @param drainTimeout            on shutdown, how long requests already sent upstream may take to finish
 *                                (default 10s, at most 10m); requests still queued are answered 503 at once
 * @param publicUrl               scheme, host and path clients use to reach the proxy (behind a load
 *                                balancer); null means URLs in responses are built from the request's Host
 * @param tls                     TLS on the listener; null means plain HTTP
 */
public record ServerConfig(HostPort listen, DataSize maxRequestBody, Duration headerTimeout, Duration idleTimeout,
                           Duration bodyTimeout, Integer maxConnections, Integer maxConnectionsPerClient,
                           Boolean trustForwardedHeaders, Duration drainTimeout, URI publicUrl,
                           ListenerTlsConfig tls) {

    public static final HostPort DEFAULT_LISTEN = new HostPort("127.0.0.1", 8080);
    public static final DataSize DEFAULT_MAX_REQUEST_BODY = DataSize.ofMebibytes(10);
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(75);
    public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 1024;
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration MAX_DRAIN_TIMEOUT = Duration.ofMinutes(10);

    public ServerConfig {
        listen = listen == null ? DEFAULT_LISTEN : listen;
        maxRequestBody = maxRequestBody == null ? DEFAULT_MAX_REQUEST_BODY : maxRequestBody;
        headerTimeout = headerTimeout == null ? DEFAULT_HEADER_TIMEOUT : headerTimeout;
        idleTimeout = idleTimeout == null ? DEFAULT_IDLE_TIMEOUT : idleTimeout;
        bodyTimeout = bodyTimeout == null ? DEFAULT_BODY_TIMEOUT : bodyTimeout;
        maxConnections = maxConnections == null ? DEFAULT_MAX_CONNECTIONS : maxConnections;
        maxConnectionsPerClient = maxConnectionsPerClient == null
                ? DEFAULT_MAX_CONNECTIONS_PER_CLIENT : maxConnectionsPerClient;
        trustForwardedHeaders = trustForwardedHeaders != null && trustForwardedHeaders;
        drainTimeout = drainTimeout == null ? DEFAULT_DRAIN_TIMEOUT : drainTimeout;
        Violations v = new Violations();
        v.check(maxRequestBody.bytes() >= 1 && maxRequestBody.bytes() <= Integer.MAX_VALUE,
                "maxRequestBody", "must be between 1B and 2GiB - 1 byte, was " + maxRequestBody);
        checkTimeout(v, "headerTimeout", headerTimeout);
        checkTimeout(v, "idleTimeout", idleTimeout);
        checkTimeout(v, "bodyTimeout", bodyTimeout);
        v.check(maxConnections >= 1, "maxConnections", "must be at least 1, was " + maxConnections);
        v.check(maxConnectionsPerClient >= 1, "maxConnectionsPerClient",
                "must be at least 1, was " + maxConnectionsPerClient);
        v.check(!drainTimeout.isNegative() && drainTimeout.compareTo(MAX_DRAIN_TIMEOUT) <= 0,
                "drainTimeout", "must be between 0s and 10m");
        if (publicUrl != null) {
            String urlProblem = HttpUrls.problem(publicUrl);
            v.check(urlProblem == null, "publicUrl", urlProblem);
        }
        v.throwIfAny();
    }

    private static void checkTimeout(Violations v, String key, Duration timeout) {
        v.check(Durations.isPositive(timeout) && timeout.compareTo(Duration.ofDays(1)) <= 0, key,
                "must be between 1ms and 1d, was " + timeout);
    }

    public static ServerConfig defaults() {
        return new ServerConfig(null, null, null, null, null, null, null, null, null, null, null);
    }
}
