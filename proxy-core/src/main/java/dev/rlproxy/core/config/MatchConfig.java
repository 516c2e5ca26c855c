package dev.rlproxy.core.config;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What requests a route takes: exactly one of a path prefix (stripped before forwarding) or a
 * Host header value. The host is kept in lower case.
 */
public record MatchConfig(String pathPrefix, String host) {

    private static final Pattern HOST = Pattern.compile("[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\\d{1,5})?");

    public MatchConfig {
        host = host == null ? null : host.strip().toLowerCase(Locale.ROOT);
        Violations v = new Violations();
        if (v.check((pathPrefix == null) != (host == null), "", "needs exactly one of pathPrefix or host")) {
            if (pathPrefix != null) {
                v.check(pathPrefix.startsWith("/") && pathPrefix.endsWith("/"), "pathPrefix",
                        "must start and end with '/', like /github/");
            } else {
                v.check(HOST.matcher(host).matches(), "host", "must be a host name, like api.github.com");
            }
        }
        v.throwIfAny();
    }

    public static MatchConfig pathPrefix(String prefix) {
        return new MatchConfig(prefix, null);
    }

    public static MatchConfig host(String host) {
        return new MatchConfig(null, host);
    }
}
