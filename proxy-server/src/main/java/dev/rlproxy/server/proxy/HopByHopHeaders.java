package dev.rlproxy.server.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

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
        // One pass over the names instead of a hashed lookup per hop-by-hop name: most heads have
        // none or one (Connection), and a few headers in all.
        List<CharSequence> found = null;
        boolean connection = false;
        // The CharSequence view: the String view makes a String of every header name.
        Iterator<Map.Entry<CharSequence, CharSequence>> entries = headers.iteratorCharSequence();
        while (entries.hasNext()) {
            CharSequence name = entries.next().getKey();
            if (isHopByHop(name)) {
                if (found == null) {
                    found = new ArrayList<>(4);
                }
                found.add(name);
                connection |= HttpHeaderNames.CONNECTION.contentEqualsIgnoreCase(name);
            }
        }
        if (found == null) {
            return;
        }
        if (connection) {
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
