package dev.rlproxy.server.proxy;

import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;

/** Builds the response head the client sees from the upstream's: hop-by-hop headers gone, body re-framed. */
final class ResponseRewriter {

    private ResponseRewriter() {
    }

    static HttpResponse relayHead(HttpResponse upstream, HttpMethod requestMethod, boolean clientKeepAlive) {
        HttpResponse head = new DefaultHttpResponse(upstream.protocolVersion(), upstream.status());
        head.headers().set(upstream.headers());
        HopByHopHeaders.strip(head.headers());
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

    private static boolean mayHaveBody(HttpResponse response, HttpMethod requestMethod) {
        int code = response.status().code();
        return !requestMethod.equals(HttpMethod.HEAD) && code >= 200 && code != 204 && code != 304;
    }
}
