package dev.rlproxy.server.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;

import java.net.InetSocketAddress;

/**
 * Builds the request the upstream sees: its own path and Host, hop-by-hop headers gone,
 * forwarding headers as the upstream's {@link RequestForwarding} says, and the pooled token in place of whatever credential the client sent.
 */
final class RequestRewriter {

    private static final HttpHeadersFactory HEADERS = DefaultHttpHeadersFactory.headersFactory();

    private RequestRewriter() {
    }

    /** Methods whose requests may be sent twice without changing the outcome (RFC 9110 §9.2.2). */
    static boolean isIdempotent(HttpMethod m) {
        return m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD) || m.equals(HttpMethod.OPTIONS)
                || m.equals(HttpMethod.PUT) || m.equals(HttpMethod.DELETE);
    }

    private static final AttributeKey<String> CLIENT_ADDRESS = AttributeKey.valueOf("rlproxy.clientAddress");

    /** The client's IP address for the forwarding headers; formatted once per connection. */
    static String clientAddress(Channel client) {
        String known = client.attr(CLIENT_ADDRESS).get();
        if (known != null) {
            return known;
        }
        String address = client.remoteAddress() instanceof InetSocketAddress socket
                ? socket.getAddress().getHostAddress() : "unknown";
        client.attr(CLIENT_ADDRESS).set(address);
        return address;
    }

    /**
     * @param body     the whole body when buffered (its reference is handed over), or {@code null}
     * @param streamed the body follows the head as separate chunks; otherwise the returned request is
     *                 complete on its own (a full request, so the codec is ready for the next one)
     */
    static HttpRequest rewrite(HttpRequest client, Route route, String clientAddress, String secret,
                               ByteBuf body, boolean streamed, boolean chunked) {
        Upstream upstream = route.upstream();
        String uri = upstream.connections().target().requestUri(route.upstreamPath(client.uri()));
        // A complete request has no trailers to send: no empty trailer map made for each one.
        HttpRequest out = streamed
                ? new DefaultHttpRequest(HttpVersion.HTTP_1_1, client.method(), uri)
                : new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, client.method(), uri,
                        body != null ? body : Unpooled.EMPTY_BUFFER, HEADERS.newHeaders(), EmptyHttpHeaders.INSTANCE);
        HttpHeaders headers = out.headers();
        headers.set(client.headers());
        String originalHost = client.headers().get(HttpHeaderNames.HOST);
        HopByHopHeaders.strip(headers);

        headers.set(HttpHeaderNames.HOST, upstream.connections().hostHeader());
        if (upstream.rewriteBodyUrls()) {
            headers.remove(HttpHeaderNames.ACCEPT_ENCODING); // bodies to rewrite must come uncompressed
        }
        upstream.forwarding().apply(headers, clientAddress, originalHost);
        if (secret != null) {
            headers.remove(HttpHeaderNames.AUTHORIZATION);
            headers.set(upstream.injectHeader(), upstream.authorizationValue(secret));
        }
        if (body != null) {
            headers.setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        } else if (chunked) {
            headers.remove(HttpHeaderNames.CONTENT_LENGTH);
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        return out;
    }
}
