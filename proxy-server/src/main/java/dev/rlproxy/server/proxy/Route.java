package dev.rlproxy.server.proxy;

import java.net.URI;
import java.util.List;

/**
 * One configured route: requests whose path starts with {@code pathPrefix} (stripped before
 * forwarding), or whose Host is {@code host} (path kept), go to {@code upstream}, or to the first
 * of {@code fallbacks} whose quotas still allow them when {@code upstream}'s do not.
 *
 * @param passthrough forward the client's own credentials instead of a pooled token
 * @param publicUrl   {@code server.publicUrl}: how clients reach the proxy, for URLs in responses; or null
 * @param fallbacks   the route's further upstreams, in order of preference (usually none)
 */
public record Route(String pathPrefix, String host, Upstream upstream, boolean passthrough, URI publicUrl,
                    List<Upstream> fallbacks) {

    public Route(String pathPrefix, String host, Upstream upstream, boolean passthrough) {
        this(pathPrefix, host, upstream, passthrough, null);
    }

    public Route(String pathPrefix, String host, Upstream upstream, boolean passthrough, URI publicUrl) {
        this(pathPrefix, host, upstream, passthrough, publicUrl, List.of());
    }

    public Route {
        if ((pathPrefix == null) == (host == null)) {
            throw new IllegalArgumentException("a route matches either a path prefix or a host");
        }
        fallbacks = List.copyOf(fallbacks);
    }

    /**
     * This route as one request takes it: to the first upstream whose quotas, as far as this
     * replica knows, still allow a request with {@code egressBytes} of body (upstream-wide quotas:
     * the token is not chosen yet); to {@code upstream} when none does, which then refuses it with
     * its own quota's {@code Retry-After}.
     */
    public Route forRequest(long egressBytes) {
        if (fallbacks.isEmpty() || !upstream.quotas().wouldRefuse(null, egressBytes)) {
            return this;
        }
        for (Upstream fallback : fallbacks) {
            if (!fallback.quotas().wouldRefuse(null, egressBytes)) {
                return new Route(pathPrefix, host, fallback, passthrough, publicUrl, List.of());
            }
        }
        return this;
    }

    /**
     * The path to send upstream: the prefix is stripped, keeping one leading slash. The bare prefix
     * ({@code /github}, {@code /github?q=1}) is the upstream's root ({@code /}, {@code /?q=1}).
     */
    public String upstreamPath(String uri) {
        if (pathPrefix == null) {
            return uri;
        }
        if (pathPrefix.length() == 1 && uri.startsWith(pathPrefix)) {
            return uri; // the "/" route: nothing to strip, no copy to make
        }
        // "/github" and "/github?q" reach the "/github/" route too (Router): they are its root.
        return "/" + uri.substring(uri.startsWith(pathPrefix) ? pathPrefix.length() : pathPrefix.length() - 1);
    }

    /** How metrics and the access log name this route: its path prefix or its host. */
    public String label() {
        return pathPrefix != null ? pathPrefix : host;
    }
}
