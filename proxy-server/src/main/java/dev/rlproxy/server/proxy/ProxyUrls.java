package dev.rlproxy.server.proxy;

import dev.rlproxy.server.upstream.UpstreamTarget;

import java.net.URI;
import java.util.Locale;

/**
 * Turns URLs the upstream hands out (pagination links, redirects, URLs in bodies) into the URLs a
 * client uses to reach the same resource through the proxy, so that following them never leads the
 * client around the proxy: a URL under the upstream's base URL gets the scheme and host the client
 * used (its {@code Host} header, or {@code server.publicUrl}) and the route's path prefix. An
 * absolute-path reference under the base path gets the prefix. Anything else is left alone.
 */
public final class ProxyUrls {

    private final UpstreamTarget upstream;
    /** What replaces the upstream's scheme://authority, e.g. {@code http://proxy:8080}; empty if unknown. */
    private final String clientOrigin;
    /** What replaces the upstream's base path, e.g. {@code /github}. */
    private final String clientPathBase;

    private ProxyUrls(UpstreamTarget upstream, String clientOrigin, String clientPathBase) {
        this.upstream = upstream;
        this.clientOrigin = clientOrigin;
        this.clientPathBase = clientPathBase;
    }

    /**
     * The mapping for one request on {@code route}.
     *
     * @param hostHeader the request's Host header (null when absent: absolute URLs are then rewritten
     *                   to absolute-path references, which resolve against the URL the client used)
     */
    public static ProxyUrls forRequest(Route route, String hostHeader) {
        return of(route.upstream().connections().target(), route.pathPrefix(), hostHeader, route.publicUrl());
    }

    /**
     * @param pathPrefix the route's prefix, or null for a host route
     * @param publicUrl  {@code server.publicUrl}, or null
     */
    static ProxyUrls of(UpstreamTarget target, String pathPrefix, String hostHeader, URI publicUrl) {
        String publicPath = publicUrl == null || publicUrl.getRawPath() == null ? "" : stripSlash(publicUrl.getRawPath());
        String scheme = publicUrl == null ? "http" : publicUrl.getScheme().toLowerCase(Locale.ROOT);
        String pathBase;
        String authority;
        if (pathPrefix != null) {
            pathBase = publicPath + stripSlash(pathPrefix);
            authority = publicUrl != null ? publicUrl.getRawAuthority() : plainHost(hostHeader);
        } else {
            // A host route keeps the host the client asked for: that host is what routes it here.
            pathBase = "";
            authority = plainHost(hostHeader);
        }
        String origin = authority == null ? "" : scheme + "://" + authority.trim();
        return new ProxyUrls(target, origin, pathBase);
    }

    /** {@code reference} as the client should use it, or {@code reference} itself if it is not the upstream's. */
    public String rewrite(String reference) {
        if (reference.startsWith("/")) {
            if (reference.startsWith("//")) {
                return reference;
            }
            String rest = underBasePath(reference, 0);
            return rest == null ? reference : clientPath(rest);
        }
        int schemeEnd = reference.indexOf("://");
        String scheme = upstream.tls() ? "https" : "http";
        if (schemeEnd != scheme.length() || !reference.regionMatches(true, 0, scheme, 0, schemeEnd)) {
            return reference;
        }
        int authorityStart = schemeEnd + 3;
        int authorityEnd = authorityStart;
        while (authorityEnd < reference.length() && "/?#".indexOf(reference.charAt(authorityEnd)) < 0) {
            authorityEnd++;
        }
        if (!isUpstreamAuthority(reference.substring(authorityStart, authorityEnd))) {
            return reference;
        }
        String rest = underBasePath(reference, authorityEnd);
        if (rest == null) {
            return reference;
        }
        return clientOrigin + clientPath(rest);
    }

    /** The client's path for what follows the upstream's base path ({@code ""}, {@code /x}, {@code ?q}...). */
    private String clientPath(String rest) {
        return clientPathBase.isEmpty() && !rest.startsWith("/") ? "/" + rest : clientPathBase + rest;
    }

    /** A streaming rewriter of this mapping for a response body. */
    BodyUrlRewriter bodyRewriter() {
        String origin = (upstream.tls() ? "https" : "http") + "://" + upstream.hostHeader().toLowerCase(Locale.ROOT);
        return new BodyUrlRewriter(origin + upstream.basePath(), origin.length(), clientOrigin + clientPathBase);
    }

    /** The part after the base path, if the path from {@code from} starts with it at a segment boundary. */
    private String underBasePath(String reference, int from) {
        String base = upstream.basePath();
        if (!reference.startsWith(base, from)) {
            return null;
        }
        int end = from + base.length();
        if (end < reference.length() && "/?#".indexOf(reference.charAt(end)) < 0) {
            return null; // "/apiary" is not under "/api"
        }
        return reference.substring(end);
    }

    private boolean isUpstreamAuthority(String authority) {
        if (authority.indexOf('@') >= 0) {
            return false; // user-info: not a URL the proxy hands out
        }
        String host;
        int port;
        int colon = authority.lastIndexOf(':');
        int bracket = authority.lastIndexOf(']');
        if (colon > bracket) {
            host = authority.substring(0, colon);
            try {
                port = colon + 1 == authority.length() ? defaultPort() : Integer.parseInt(authority.substring(colon + 1));
            } catch (NumberFormatException e) {
                return false;
            }
        } else {
            host = authority;
            port = defaultPort();
        }
        String expected = upstream.host();
        if (expected.contains(":") && !expected.startsWith("[")) {
            expected = "[" + expected + "]";
        }
        return port == upstream.port() && host.equalsIgnoreCase(expected);
    }

    private int defaultPort() {
        return upstream.tls() ? 443 : 80;
    }

    private static String stripSlash(String path) {
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /**
     * The Host header if it is a plain {@code host[:port]}; otherwise null (URLs then become paths),
     * so that no client-supplied text other than a host name is ever written into a URL.
     */
    private static String plainHost(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        String host = s.strip();
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
            if (!plain) {
                return null;
            }
        }
        return host;
    }
}
