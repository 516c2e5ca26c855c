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
    private static final AsciiString[] FIXED = {HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE,
            HttpHeaderNames.TE, HttpHeaderNames.TRAILER, HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.UPGRADE};

    private HopByHopHeaders() {
    }

    static void strip(HttpHeaders headers) {
        List<CharSequence> found = HeaderNameScan.matching(headers, HopByHopHeaders::isHopByHop);
        if (found == null) {
            return;
        }
        if (headers.contains(HttpHeaderNames.CONNECTION)) {
            for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
                for (String named : value.split(",")) {
                    String name = named.trim();
                    if (!name.isEmpty()) {
                        headers.remove(name);
                    }
                }
            }
        }
        found.forEach(headers::remove);
    }

    static boolean isHopByHop(CharSequence name) {
        for (AsciiString fixed : FIXED) {
            if (fixed.length() == name.length() && fixed.contentEqualsIgnoreCase(name)) {
                return true;
            }
        }
        return AsciiString.regionMatches(name, true, 0, PROXY_PREFIX, 0, PROXY_PREFIX.length());
    }
}
