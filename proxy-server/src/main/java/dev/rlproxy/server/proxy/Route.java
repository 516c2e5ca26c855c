package dev.rlproxy.server.proxy;

import java.net.URI;

/**
 * One configured route: requests whose path starts with {@code pathPrefix} (stripped before
 * forwarding), or whose Host is {@code host} (path kept), go to {@code upstream}.
 *
 * @param passthrough forward the client's own credentials instead of a pooled token
 * @param publicUrl   {@code server.publicUrl}: how clients reach the proxy, for URLs in responses; or null
 */
public record Route(String pathPrefix, String host, Upstream upstream, boolean passthrough, URI publicUrl) {

    public Route(String pathPrefix, String host, Upstream upstream, boolean passthrough) {
        this(pathPrefix, host, upstream, passthrough, null);
    }

    public Route {
        if ((pathPrefix == null) == (host == null)) {
            throw new IllegalArgumentException("a route matches either a path prefix or a host");
        }
    }

    /**
     * The path to send upstream: the prefix is stripped, keeping one leading slash. The bare prefix
     * ({@code /github}, {@code /github?q=1}) is the upstream's root ({@code /}, {@code /?q=1}).
     */
    public String upstreamPath(String uri) {
        if (pathPrefix == null) {
            return uri;
        }
        // "/github" and "/github?q" reach the "/github/" route too (Router): they are its root.
        return "/" + uri.substring(uri.startsWith(pathPrefix) ? pathPrefix.length() : pathPrefix.length() - 1);
    }

    /** How metrics and the access log name this route: its path prefix or its host. */
    public String label() {
        return pathPrefix != null ? pathPrefix : host;
    }
}
