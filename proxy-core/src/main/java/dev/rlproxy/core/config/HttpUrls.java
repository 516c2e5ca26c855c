package dev.rlproxy.core.config;

import java.net.URI;

/** Checks that a URL is a plain http(s) address the proxy may call. Messages never echo the URL. */
final class HttpUrls {

    private HttpUrls() {
    }

    /** @return what is wrong with {@code url}, or null if it is fine */
    static String problem(URI url) {
        if (url == null) {
            return "required, like https://api.example.com";
        }
        String scheme = url.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            return "must be an http:// or https:// URL";
        }
        if (url.getHost() == null) {
            return "must name a host, like https://api.example.com";
        }
        if (url.getRawUserInfo() != null) {
            return "must not carry credentials; configure tokens instead";
        }
        if (url.getRawQuery() != null || url.getRawFragment() != null) {
            return "must not have a query (?...) or fragment (#...)";
        }
        return null;
    }
}
