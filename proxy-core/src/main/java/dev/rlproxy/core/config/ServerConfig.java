package dev.rlproxy.core.config;

import java.net.URI;

/**
 * The proxy's client-facing listener.
 *
 * @param listen         where clients connect; port 0 picks a free port (default 127.0.0.1:8080)
 * @param maxRequestBody larger request bodies get 413 (default 10MiB, at most 2GiB - 1)
 * @param publicUrl      scheme, host and path clients use to reach the proxy (behind a load balancer);
 *                       null means URLs in responses are built from the request's Host header
 */
public record ServerConfig(HostPort listen, DataSize maxRequestBody, URI publicUrl) {

    public static final HostPort DEFAULT_LISTEN = new HostPort("127.0.0.1", 8080);
    public static final DataSize DEFAULT_MAX_REQUEST_BODY = DataSize.ofMebibytes(10);

    public ServerConfig {
        listen = listen == null ? DEFAULT_LISTEN : listen;
        maxRequestBody = maxRequestBody == null ? DEFAULT_MAX_REQUEST_BODY : maxRequestBody;
        Violations v = new Violations();
        v.check(maxRequestBody.bytes() >= 1 && maxRequestBody.bytes() <= Integer.MAX_VALUE,
                "maxRequestBody", "must be between 1B and 2GiB - 1 byte, was " + maxRequestBody);
        if (publicUrl != null) {
            String urlProblem = HttpUrls.problem(publicUrl);
            v.check(urlProblem == null, "publicUrl", urlProblem);
        }
        v.throwIfAny();
    }

    public static ServerConfig defaults() {
        return new ServerConfig(null, null, null);
    }
}
