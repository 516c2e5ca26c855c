package dev.rlproxy.server.upstream;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.ReferenceCountUtil;

/**
 * Between the HTTP/2-to-HTTP/1 conversion of one stream and the {@link UpstreamRelayHandler}: makes
 * the stream look to the exchange like an HTTP/1.1 connection. The converter's own headers
 * ({@code x-http2-stream-id}, …) are removed from responses, and a {@code RST_STREAM} or a
 * {@code GOAWAY} that leaves the stream out (user events, not messages) become the stream's failure.
 */
final class Http2StreamAdapter extends ChannelInboundHandlerAdapter {

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpResponse response) {
            for (HttpConversionUtil.ExtensionHeaderNames name : HttpConversionUtil.ExtensionHeaderNames.values()) {
                response.headers().remove(name.text());
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof Http2ResetFrame reset) {
            ctx.fireExceptionCaught(StreamResetException.reset(reset.errorCode()));
        } else if (event instanceof Http2GoAwayFrame goAway) {
            int lastStreamId = goAway.lastStreamId();
            ReferenceCountUtil.release(goAway);
            ctx.fireExceptionCaught(StreamResetException.goingAway(lastStreamId));
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }
}
