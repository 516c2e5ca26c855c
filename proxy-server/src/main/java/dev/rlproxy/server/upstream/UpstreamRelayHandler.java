package dev.rlproxy.server.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;

import java.io.IOException;

/**
 * The last handler on an upstream connection (or HTTP/2 stream): hands every response part to the
 * exchange that currently holds the connection. An idle pooled connection has no listener; anything it receives
 * (or its closing) is dropped, and the pool's health check discards it.
 */
public final class UpstreamRelayHandler extends ChannelInboundHandlerAdapter {

    private static final AttributeKey<UpstreamListener> LISTENER = AttributeKey.valueOf("rlproxy.listener");
    private static final AttributeKey<Boolean> ANSWERED = AttributeKey.valueOf("rlproxy.answered");

    /** Binds a freshly acquired connection to the exchange that will use it. */
    public static void bind(Channel channel, UpstreamListener listener) {
        channel.attr(LISTENER).set(listener);
    }

    /**
     * Whether the upstream has answered on this connection before (for an HTTP/2 stream: on its
     * connection). Only then is a write known to reach the upstream within network latency: on a
     * fresh connection the first request may still wait behind handshakes or a relay the proxy
     * cannot see.
     */
    public static boolean hasAnswered(Channel channel) {
        return connectionOf(channel).hasAttr(ANSWERED);
    }

    /** The connection itself, or for an HTTP/2 stream the connection it is multiplexed on. */
    private static Channel connectionOf(Channel channel) {
        return channel.parent() != null ? channel.parent() : channel;
    }

    /** Unbinds before returning the connection to the pool. */
    public static void unbind(Channel channel) {
        channel.attr(LISTENER).set(null);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        UpstreamListener listener = ctx.channel().attr(LISTENER).get();
        if (listener == null) {
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        if (msg instanceof HttpResponse response) {
            if (response.decoderResult().isFailure()) {
                ReferenceCountUtil.release(msg);
                fail(ctx, new MalformedResponseException(response.decoderResult().cause()));
                return;
            }
            connectionOf(ctx.channel()).attr(ANSWERED).set(Boolean.TRUE);
            listener.onResponse(response);
        }
        if (msg instanceof HttpContent content) {
            listener.onContent(content);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        UpstreamListener listener = ctx.channel().attr(LISTENER).get();
        if (listener != null) {
            listener.onReadComplete();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fail(ctx, new IOException("upstream closed the connection"));
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, cause);
        ctx.close();
    }

    private static void fail(ChannelHandlerContext ctx, Throwable cause) {
        UpstreamListener listener = ctx.channel().attr(LISTENER).getAndSet(null);
        if (listener != null) {
            listener.onUpstreamFailure(cause);
        }
    }
}
