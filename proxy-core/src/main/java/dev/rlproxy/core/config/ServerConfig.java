package dev.rlproxy.core.config;

/**
 * The proxy's client-facing listener.
 *
 * @param listen         where clients connect; port 0 picks a free port (default 127.0.0.1:8080)
 * @param maxRequestBody larger request bodies get 413 (default 10MiB, at most 2GiB - 1)
 */
public record ServerConfig(HostPort listen, DataSize maxRequestBody) {

    public static final HostPort DEFAULT_LISTEN = new HostPort("127.0.0.1", 8080);
    public static final DataSize DEFAULT_MAX_REQUEST_BODY = DataSize.ofMebibytes(10);

    public ServerConfig {
        listen = listen == null ? DEFAULT_LISTEN : listen;
        maxRequestBody = maxRequestBody == null ? DEFAULT_MAX_REQUEST_BODY : maxRequestBody;
        Violations v = new Violations();
        v.check(maxRequestBody.bytes() >= 1 && maxRequestBody.bytes() <= Integer.MAX_VALUE,
                "maxRequestBody", "must be between 1B and 2GiB - 1 byte, was " + maxRequestBody);
        v.throwIfAny();
    }

    public static ServerConfig defaults() {
        return new ServerConfig(null, null);
    }
}
