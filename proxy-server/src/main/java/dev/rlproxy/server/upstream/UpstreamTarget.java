package dev.rlproxy.server.upstream;

import java.net.URI;
import java.util.Locale;

/**
 * Where one upstream lives: scheme, host, port and base path, parsed once from its configured URL.
 * The proxy only ever connects to targets built from configuration (no open proxy, no SSRF).
 */
public record UpstreamTarget(String name, boolean tls, String host, int port, String basePath) {

    public static UpstreamTarget of(String name, URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("upstream '" + name + "': url must be http or https, was " + url);
        }
        if (url.getHost() == null) {
            throw new IllegalArgumentException("upstream '" + name + "': url has no host: " + url);
        }
        boolean tls = scheme.equals("https");
        int port = url.getPort() > 0 ? url.getPort() : (tls ? 443 : 80);
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        String basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return new UpstreamTarget(name, tls, url.getHost(), port, basePath);
    }

    /** The Host header value the upstream expects. */
    public String hostHeader() {
        boolean defaultPort = tls ? port == 443 : port == 80;
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return defaultPort ? h : h + ":" + port;
    }

    /** The upstream request URI for a client path already stripped of its route prefix. */
    public String requestUri(String pathAndQuery) {
        if (pathAndQuery.isEmpty() || pathAndQuery.charAt(0) != '/') {
            pathAndQuery = "/" + pathAndQuery;
        }
        return basePath.isEmpty() ? pathAndQuery : basePath + pathAndQuery;
    }
}
