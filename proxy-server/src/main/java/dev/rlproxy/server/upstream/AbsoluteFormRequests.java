package dev.rlproxy.server.upstream;

import dev.rlproxy.core.config.EgressProxy;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Requests to a plain-http upstream through an egress proxy: the request line carries the
 * absolute URL ({@code GET http://host/path HTTP/1.1}), as an HTTP proxy expects, and the proxy's
 * credentials go in {@code Proxy-Authorization}.
 */
final class AbsoluteFormRequests extends ChannelOutboundHandlerAdapter {

    private final String origin;
    private final String proxyAuthorization;

    AbsoluteFormRequests(UpstreamTarget target, EgressProxy proxy) {
        this.origin = "http://" + target.hostHeader();
        this.proxyAuthorization = proxy.hasCredentials() ? "Basic " + Base64.getEncoder().encodeToString(
                (proxy.username() + ":" + proxy.password().value()).getBytes(StandardCharsets.UTF_8)) : null;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpRequest request && request.uri().startsWith("/")) {
            request.setUri(origin + request.uri());
            if (proxyAuthorization != null) {
                request.headers().set(HttpHeaderNames.PROXY_AUTHORIZATION, proxyAuthorization);
            }
        }
        ctx.write(msg, promise);
    }
}
