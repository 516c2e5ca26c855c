package dev.rlproxy.core.config;

import java.time.Duration;

/**
 * The proxy's client-facing listener.
 *
 * @param listen         where clients connect; port 0 picks a free port (default 127.0.0.1:8080)
 * @param maxRequestBody larger request bodies get 413 (default 10MiB, at most 2GiB - 1)
 * @param drainTimeout   on shutdown, how long requests already sent upstream may take to finish
 *                       (default 10s, at most 10m); requests still queued are answered 503 at once
 */
public record ServerConfig(HostPort listen, DataSize maxRequestBody, Duration drainTimeout) {

    public static final HostPort DEFAULT_LISTEN = new HostPort("127.0.0.1", 8080);
    public static final DataSize DEFAULT_MAX_REQUEST_BODY = DataSize.ofMebibytes(10);
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration MAX_DRAIN_TIMEOUT = Duration.ofMinutes(10);

    public ServerConfig {
        listen = listen == null ? DEFAULT_LISTEN : listen;
        maxRequestBody = maxRequestBody == null ? DEFAULT_MAX_REQUEST_BODY : maxRequestBody;
        drainTimeout = drainTimeout == null ? DEFAULT_DRAIN_TIMEOUT : drainTimeout;
        Violations v = new Violations();
        v.check(maxRequestBody.bytes() >= 1 && maxRequestBody.bytes() <= Integer.MAX_VALUE,
                "maxRequestBody", "must be between 1B and 2GiB - 1 byte, was " + maxRequestBody);
        v.check(!drainTimeout.isNegative() && drainTimeout.compareTo(MAX_DRAIN_TIMEOUT) <= 0,
                "drainTimeout", "must be between 0s and 10m");
        v.throwIfAny();
    }

    public static ServerConfig defaults() {
        return new ServerConfig(null, null, null);
    }
}
