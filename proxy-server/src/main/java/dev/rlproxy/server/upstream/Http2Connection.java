package dev.rlproxy.server.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;

/**
 * One HTTP/2 connection to an upstream and how many more streams it takes. It is the last handler
 * of the connection's pipeline (after the multiplexer, which passes on the connection's own frames):
 * the upstream's first {@code SETTINGS} makes it ready and says how many streams it may carry at
 * once ({@code SETTINGS_MAX_CONCURRENT_STREAMS}, unlimited when absent); a {@code GOAWAY} stops new
 * streams. Used on its event loop only.
 */
final class Http2Connection extends ChannelInboundHandlerAdapter {

    private final Channel channel;
    private final Http2LoopPool pool;
    private final Http2StreamChannelBootstrap streams;
    /** The codec's view: a stream the proxy closed stays active there until its RST_STREAM is written. */
    private final io.netty.handler.codec.http2.Http2Connection.Endpoint<?> local;
    private boolean ready;
    private boolean goingAway;
    private int maxStreams = Integer.MAX_VALUE;
    private int open;
    private boolean carriedStream;

    /** @param streamHandler the pipeline of each stream it opens */
    Http2Connection(Channel channel, Http2FrameCodec codec, Http2LoopPool pool, ChannelHandler streamHandler) {
        this.channel = channel;
        this.pool = pool;
        // Streams read as their exchanges ask (flow control holds the upstream back meanwhile).
        this.streams = new Http2StreamChannelBootstrap(channel).option(ChannelOption.AUTO_READ, false)
                .handler(streamHandler);
        this.local = codec.connection().local();
        // The codec's count drops after the stream channel has closed (a reset is written first):
        // those who wait are served then.
        codec.connection().addListener(new Http2ConnectionAdapter() {
            @Override
            public void onStreamClosed(Http2Stream stream) {
                if (pool.hasWaiting()) {
                    channel.eventLoop().execute(pool::roomChanged); // not from within the codec's bookkeeping
                }
            }
        });
    }

    Channel channel() {
        return channel;
    }

    boolean ready() {
        return ready;
    }

    /**
     * Whether a new stream may be opened on it now: fewer than the upstream's maximum handed out
     * (some may not have sent their HEADERS yet) and open in the codec (some may still be closing).
     */
    boolean hasRoom() {
        return usable() && open < maxStreams && local.numActiveStreams() < maxStreams;
    }

    /** Whether it can carry streams now or later (it is not closing). */
    boolean usable() {
        return ready && !goingAway && channel.isActive();
    }

    /**
     * Counts a stream that is being opened. Returns whether the connection carried one before: a
     * request on it then goes over a connection that has waited open, as a pooled HTTP/1.1 one.
     */
    boolean streamOpened() {
        open++;
        boolean reused = carriedStream;
        carriedStream = true;
        return reused;
    }

    void streamClosed() {
        open--;
    }

    /** Opens new streams on this connection. */
    Http2StreamChannelBootstrap streams() {
        return streams;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof Http2SettingsFrame settings) {
                Long max = settings.settings().maxConcurrentStreams();
                if (max != null) {
                    maxStreams = (int) Math.min(Integer.MAX_VALUE, max);
                }
                ready = true;
                pool.roomChanged();
            } else if (msg instanceof Http2GoAwayFrame) {
                goingAway = true;
                pool.roomChanged();
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        pool.connectionClosed(this);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a connection error: its streams fail, each to its exchange
    }
}
