package dev.rlproxy.server.proxy;

import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.AsciiString;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Builds the response head the client sees from the upstream's: hop-by-hop headers gone, body
 * re-framed, and the upstream's own URLs in {@code Link}, {@code Location} and
 * {@code Content-Location} pointed back through the proxy.
 */
final class ResponseRewriter {

    private static final AsciiString LINK = AsciiString.cached("link");

    private ResponseRewriter() {
    }

    /**
     * The upstream's head, rewritten in place: its headers are taken over rather than copied (a
     * copy per response was a tenth of the proxy's allocation), so read nothing from
     * {@code upstream} afterwards.
     *
     * @param urls          how to point the upstream's URLs through the proxy; null when the head
     *                      carries none ({@link #carriesUrls})
     * @param rewritingBody the body is rewritten on the way (see {@link #bodyRewriter}): its length
     *                      changes, so it is re-framed as chunks
     */
    static HttpResponse relayHead(HttpResponse upstream, HttpMethod requestMethod, boolean clientKeepAlive,
                                  ProxyUrls urls, boolean rewritingBody) {
        HttpResponse head = new DefaultHttpResponse(upstream.protocolVersion(), upstream.status(), upstream.headers());
        HopByHopHeaders.strip(head.headers());
        if (urls != null) {
            rewriteUrls(head.headers(), urls);
        }
        if (rewritingBody) {
            head.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
        }
        boolean hasLength = head.headers().contains(HttpHeaderNames.CONTENT_LENGTH);
        if (!hasLength && mayHaveBody(upstream, requestMethod)) {
            // The body is re-framed as chunks: the upstream's own framing ends at our codec.
            head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        if (!clientKeepAlive) {
            head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return head;
    }

    /**
     * A rewriter for the response body when its upstream asks for it ({@code rewriteBodyUrls}) and
     * the body is uncompressed JSON; otherwise null and the body is relayed as it is. The proxy asks
     * such upstreams for identity encoding, so a compressed body only comes from one that ignores
     * that: it is relayed untouched rather than decompressed.
     */
    static BodyUrlRewriter bodyRewriter(Upstream upstream, HttpResponse response, HttpMethod requestMethod,
                                        ProxyUrls urls) {
        if (!upstream.rewriteBodyUrls() || !mayHaveBody(response, requestMethod)) {
            return null;
        }
        String encoding = response.headers().get(HttpHeaderNames.CONTENT_ENCODING);
        if (encoding != null && !encoding.isBlank() && !encoding.strip().equalsIgnoreCase("identity")) {
            return null;
        }
        return isJson(response.headers().get(HttpHeaderNames.CONTENT_TYPE)) ? urls.bodyRewriter() : null;
    }

    /** {@code application/json} or any {@code application/...+json}, parameters aside. */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(java.util.Locale.ROOT);
        return type.equals("application/json") || (type.startsWith("application/") && type.endsWith("+json"));
    }

    /** Whether a head has any of the headers whose URLs {@link #rewriteUrls} points through the proxy. */
    static boolean carriesUrls(HttpHeaders headers) {
        return headers.contains(HttpHeaderNames.LOCATION) || headers.contains(HttpHeaderNames.CONTENT_LOCATION)
                || headers.contains(LINK);
    }

    /** Points the upstream's URLs in the headers that carry them back through the proxy. */
    static void rewriteUrls(HttpHeaders headers, ProxyUrls urls) {
        rewriteEach(headers, HttpHeaderNames.LOCATION, urls::rewrite);
        rewriteEach(headers, HttpHeaderNames.CONTENT_LOCATION, urls::rewrite);
        rewriteEach(headers, LINK, value -> LinkHeader.rewrite(value, urls::rewrite));
    }

    private static void rewriteEach(HttpHeaders headers, CharSequence name, UnaryOperator<String> rewrite) {
        if (!headers.contains(name)) {
            return; // the common case, without the list getAll builds
        }
        List<String> values = headers.getAll(name);
        headers.remove(name);
        for (String value : values) {
            headers.add(name, rewrite.apply(value.strip()));
        }
    }

    private static boolean mayHaveBody(HttpResponse response, HttpMethod requestMethod) {
        int code = response.status().code();
        return !requestMethod.equals(HttpMethod.HEAD) && code >= 200 && code != 204 && code != 304;
    }
}
