package dev.rlproxy.core.config;

import dev.rlproxy.core.tokens.Secret;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The HTTP proxy an upstream is reached through ({@code upstreams.<name>.egressProxy}): either a
 * fixed {@code http://[user:password@]host[:port]}, or {@code env}, which takes the proxy from
 * {@code HTTPS_PROXY} / {@code HTTP_PROXY} and honours {@code NO_PROXY} as curl does.
 *
 * <p>The password is a {@link Secret}; {@link #toString()} and every parse error leave the
 * credentials out (parse errors never echo the text).
 *
 * @param fromEnvironment whether the proxy is read from the environment ({@code env}); then the
 *                        other fields are null / 0
 */
public record EgressProxy(boolean fromEnvironment, String host, int port, String username, Secret password) {

    /** curl's default proxy port when the URL names none. */
    public static final int DEFAULT_PORT = 1080;
    public static final EgressProxy ENVIRONMENT = new EgressProxy(true, null, 0, null, null);
    static final String EXPECTED = "expected env or http://[user:password@]host:port";

    public EgressProxy {
        if (!fromEnvironment && (host == null || host.isBlank() || port < 1 || port > 65535)) {
            throw InvalidConfigException.of(EXPECTED + " (host or port missing)");
        }
        if ((username == null) != (password == null)) {
            throw InvalidConfigException.of("give both user and password (http://user:password@host:port), or neither");
        }
    }

    /** Reads a configured value: {@code env} or a proxy URL. */
    public static EgressProxy parse(String text) {
        String s = text == null ? "" : text.strip();
        return s.equalsIgnoreCase("env") ? ENVIRONMENT : parseUrl(s);
    }

    /**
     * Reads a proxy URL as found in {@code HTTPS_PROXY}: {@code http://} may be left out, as curl
     * allows; other schemes are refused.
     */
    public static EgressProxy parseUrl(String text) {
        String s = text == null ? "" : text.strip();
        if (!s.contains("://")) {
            s = "http://" + s;
        }
        URI url;
        try {
            url = new URI(s);
        } catch (URISyntaxException e) {
            throw InvalidConfigException.of(EXPECTED);
        }
        if (!"http".equals(url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT))) {
            throw InvalidConfigException.of("only http:// egress proxies are supported (https upstreams still get "
                    + "end-to-end TLS through their CONNECT tunnel)");
        }
        if (url.getHost() == null) {
            throw InvalidConfigException.of(EXPECTED + " (no host)");
        }
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        if (!(path.isEmpty() || path.equals("/")) || url.getRawQuery() != null || url.getRawFragment() != null) {
            throw InvalidConfigException.of(EXPECTED + " (no path, query or fragment)");
        }
        String host = url.getHost().startsWith("[") ? url.getHost().substring(1, url.getHost().length() - 1)
                : url.getHost();
        int port = url.getPort() > 0 ? url.getPort() : DEFAULT_PORT;
        String userInfo = url.getRawUserInfo();
        if (userInfo == null) {
            return new EgressProxy(false, host, port, null, null);
        }
        int colon = userInfo.indexOf(':');
        String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
        String password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
        if (user.isBlank() || password.isBlank()) {
            throw InvalidConfigException.of("give both user and password (http://user:password@host:port), or neither");
        }
        return new EgressProxy(false, host, port, user, Secret.of(password));
    }

    private static String decode(String percentEncoded) {
        return URLDecoder.decode(percentEncoded.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    public boolean hasCredentials() {
        return username != null;
    }

    /** {@code host:port}, brackets around an IPv6 literal: the proxy's address without credentials. */
    public String address() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** Never the credentials. */
    @Override
    public String toString() {
        return fromEnvironment ? "env" : "http://" + (hasCredentials() ? "***@" : "") + address();
    }
}
