package dev.rlproxy.server.upstream;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;

/**
 * Between the HTTP/2-to-HTTP/1 conversion of one stream and the {@link UpstreamRelayHandler}: makes
 * the stream look to the exchange like an HTTP/1.1 connection. The one header the converter adds to
 * a response, {@code x-http2-stream-id}, is removed (the other {@code x-http2-*} names are for
 * requests; an upstream that sends one means it), and a {@code RST_STREAM} or a {@code GOAWAY} that
 * leaves the stream out (user events, not messages) become the stream's failure. Holds nothing of a
 * stream: one instance serves them all.
 */
@ChannelHandler.Sharable
final class Http2StreamAdapter extends ChannelInboundHandlerAdapter {

    private static final AsciiString STREAM_ID = HttpConversionUtil.ExtensionHeaderNames.STREAM_ID.text();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpResponse response) {
            response.headers().remove(STREAM_ID);
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
