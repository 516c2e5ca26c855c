package dev.rlproxy.server.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

import java.util.List;

/**
 * Strips the headers that describe one connection rather than the message (RFC 9110 §7.6.1):
 * {@code Connection} and every header it names, {@code Keep-Alive}, {@code Proxy-*}, {@code TE},
 * {@code Trailer}, {@code Transfer-Encoding} and {@code Upgrade}. The codecs re-frame bodies.
 *
 * <p>Runs twice per exchange (request and response head): a head without any of them allocates
 * nothing.
 */
final class HopByHopHeaders {

    private static final AsciiString PROXY_PREFIX = AsciiString.cached("proxy-");

    private HopByHopHeaders() {
    }

    static void strip(HttpHeaders headers) {
        List<CharSequence> found = HeaderNameScan.matching(headers, HopByHopHeaders::isHopByHop);
        if (found == null) {
            return;
        }
        for (CharSequence name : found) {
            if (HttpHeaderNames.CONNECTION.contentEqualsIgnoreCase(name)) {
                for (String value : headers.getAll(name)) {
                    removeNamedIn(headers, value);
                }
            }
        }
        found.forEach(headers::remove);
    }

    /** Removes each header a {@code Connection} value names (a comma-separated list). */
    private static void removeNamedIn(HttpHeaders headers, String connectionValue) {
        int start = 0;
        while (start < connectionValue.length()) {
            int comma = connectionValue.indexOf(',', start);
            int end = comma < 0 ? connectionValue.length() : comma;
            String name = connectionValue.substring(start, end).trim();
            if (!name.isEmpty() && !isCommonConnectionOption(name)) {
                headers.remove(name);
            }
            start = end + 1;
        }
    }

    /** {@code keep-alive} and {@code close}: the usual values, options rather than header names (Keep-Alive goes anyway). */
    private static boolean isCommonConnectionOption(String name) {
        return name.equalsIgnoreCase("keep-alive") || name.equalsIgnoreCase("close");
    }

    /** Whether {@code name} is one of the fixed hop-by-hop names or starts with {@code Proxy-}; by length first, as most names are none. */
    static boolean isHopByHop(CharSequence name) {
        AsciiString candidate = switch (name.length()) {
            case 2 -> HttpHeaderNames.TE;
            case 7 -> isLetter(name, 0, 'u') ? HttpHeaderNames.UPGRADE : HttpHeaderNames.TRAILER;
            case 10 -> isLetter(name, 0, 'c') ? HttpHeaderNames.CONNECTION : HttpHeaderNames.KEEP_ALIVE;
            case 17 -> HttpHeaderNames.TRANSFER_ENCODING;
            default -> null;
        };
        if (candidate != null && candidate.contentEqualsIgnoreCase(name)) {
            return true;
        }
        return isLetter(name, 0, 'p') && AsciiString.regionMatches(name, true, 0, PROXY_PREFIX, 0, PROXY_PREFIX.length());
    }

    private static boolean isLetter(CharSequence name, int index, char lowerCase) {
        return name.length() > index && (name.charAt(index) | 0x20) == lowerCase;
    }
}
