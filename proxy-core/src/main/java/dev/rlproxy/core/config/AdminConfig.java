package dev.rlproxy.core.config;

/**
 * The admin listener (/healthz /readyz /status /metrics).
 *
 * @param listen    default 127.0.0.1:9090
 * @param authToken bearer token admin requests must carry; empty means none, which is only allowed
 *                  while {@code listen} is a loopback address
 * @param tls       TLS on the admin listener; null means plain HTTP
 */
public record AdminConfig(HostPort listen, String authToken, ListenerTlsConfig tls) {

    public static final HostPort DEFAULT_LISTEN = new HostPort("127.0.0.1", 9090);

    public AdminConfig {
        listen = listen == null ? DEFAULT_LISTEN : listen;
        authToken = authToken == null ? "" : authToken.strip();
        Violations v = new Violations();
        v.check(listen.isLoopback() || !authToken.isEmpty(), "authToken",
                "required when admin.listen (" + listen + ") is not a loopback address");
        v.throwIfAny();
    }

    /** A plain-HTTP admin listener. */
    public AdminConfig(HostPort listen, String authToken) {
        this(listen, authToken, null);
    }

    public static AdminConfig defaults() {
        return new AdminConfig(null, null);
    }

    public boolean requiresAuth() {
        return !authToken.isEmpty();
    }

    @Override
    public String toString() {
        return "AdminConfig[listen=" + listen + ", authToken=" + (authToken.isEmpty() ? "(none)" : "***") + ", tls=" + tls + "]";
    }
}
