package dev.rlproxy.server.proxy;

import java.util.List;
import java.util.Locale;

/**
 * Matches a request to a route: host routes by the Host header (its port too, when the route
 * names one), prefix routes by
 * path. First match in configuration order wins. No match → the caller answers 404; the proxy
 * never forwards anywhere no upstream names.
 */
public final class Router {

    private final List<Route> routes;

    public Router(List<Route> routes) {
        this.routes = List.copyOf(routes);
    }

    public Route match(String hostHeader, String uri) {
        for (Route route : routes) {
            if (route.host() != null ? matchesHost(route.host(), hostHeader) : matchesPrefix(route.pathPrefix(), uri)) {
                return route;
            }
        }
        return null;
    }

    /** A configured host without a port matches any port; one with a port matches only that port. */
    private static boolean matchesHost(String configured, String hostHeader) {
        if (hostHeader == null) {
            return false;
        }
        boolean configuredHasPort = !hostOnly(configured).equalsIgnoreCase(configured.trim());
        String actual = configuredHasPort ? hostHeader.trim() : hostOnly(hostHeader);
        return configured.trim().equalsIgnoreCase(actual);
    }

    private static boolean matchesPrefix(String prefix, String uri) {
        if (uri.startsWith(prefix)) {
            return true;
        }
        // "/github" (and "/github?x") also reaches the "/github/" route.
        String bare = prefix.substring(0, prefix.length() - 1);
        return uri.equals(bare) || uri.startsWith(bare + "?");
    }

    static String hostOnly(String hostHeader) {
        if (hostHeader == null) {
            return "";
        }
        String h = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end > 0 ? h.substring(0, end + 1) : h;
        }
        int colon = h.lastIndexOf(':');
        return colon >= 0 ? h.substring(0, colon) : h;
    }
}
