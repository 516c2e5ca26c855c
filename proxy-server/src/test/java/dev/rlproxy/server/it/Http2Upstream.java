package dev.rlproxy.server.it;

import dev.rlproxy.server.tls.TestPki;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An https upstream on Netty that speaks HTTP/2 and HTTP/1.1 as ALPN picks (or HTTP/1.1 only), with
 * a certificate the test made. It records how every request came: protocol, connection, stream id,
 * headers; and how many streams each connection carried at once.
 *
 * <p>Paths: {@code /slow} answers after 300 ms; {@code /reset} resets the stream ({@code RST_STREAM
 * INTERNAL_ERROR}; over HTTP/1.1 it closes the connection); {@code /refuse-once} resets its first
 * stream with {@code REFUSED_STREAM}; {@code /close-once} closes the connection of its first stream;
 * anything else answers 200 "h2 says hi"
 * ("h1 says hi" over HTTP/1.1). Every answer carries GitHub-style rate-limit headers: 4000 of 5000
 * left, or none left for a minute on {@code /limited}.
 */
final class Http2Upstream implements AutoCloseable {

    /** One request as it arrived. */
    record Arrival(String protocol, String connection, int streamId, String method, String path, String authority,
                   Map<String, String> headers, String body, long nanoTime) {
    }

    final List<Arrival> arrivals = new CopyOnWriteArrayList<>();
    private final AtomicBoolean refusedOnce = new AtomicBoolean();
    private final AtomicBoolean closedOnce = new AtomicBoolean();
    private final Map<String, AtomicInteger> openStreams = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> mostStreamsAtOnce = new ConcurrentHashMap<>();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final Channel server;

    /**
     * @param offerHttp2 offer h2 and http/1.1 by ALPN; otherwise http/1.1 only
     * @param maxStreams the SETTINGS_MAX_CONCURRENT_STREAMS it announces
     */
    Http2Upstream(TestPki.Issued certificate, boolean offerHttp2, int maxStreams) throws Exception {
        SslContext tls = SslContextBuilder.forServer(certificate.keys().getPrivate(), certificate.certificate())
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        offerHttp2 ? List.of(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1)
                                : List.of(ApplicationProtocolNames.HTTP_1_1)))
                .build();
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        ch.pipeline().addLast(new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
                            @Override
                            protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                                if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                                    ctx.pipeline().addLast(Http2FrameCodecBuilder.forServer()
                                            .initialSettings(Http2Settings.defaultSettings().maxConcurrentStreams(maxStreams))
                                            .build());
                                    ctx.pipeline().addLast(new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
                                        @Override
                                        protected void initChannel(Channel stream) {
                                            stream.pipeline().addLast(new StreamHandler());
                                        }
                                    }));
                                } else {
                                    ctx.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
                                            new Http1Handler());
                                }
                            }
                        });
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** The most streams any one connection carried at the same time. */
    int mostStreamsAtOnce() {
        return mostStreamsAtOnce.values().stream().mapToInt(AtomicInteger::get).max().orElse(0);
    }

    long connections() {
        return arrivals.stream().map(Arrival::connection).distinct().count();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** One HTTP/2 stream: collects the request, then answers as its path says. */
    private final class StreamHandler extends ChannelInboundHandlerAdapter {
        private Http2Headers headers;
        private final StringBuilder body = new StringBuilder();

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            String connection = ctx.channel().parent().id().asShortText();
            int open = openStreams.computeIfAbsent(connection, c -> new AtomicInteger()).incrementAndGet();
            mostStreamsAtOnce.computeIfAbsent(connection, c -> new AtomicInteger()).accumulateAndGet(open, Math::max);
            ctx.channel().closeFuture().addListener(f -> openStreams.get(connection).decrementAndGet());
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                boolean end;
                if (msg instanceof Http2HeadersFrame frame) {
                    headers = frame.headers();
                    end = frame.isEndStream();
                } else if (msg instanceof Http2DataFrame data) {
                    body.append(data.content().toString(StandardCharsets.UTF_8));
                    end = data.isEndStream();
                } else {
                    return;
                }
                if (end) {
                    answer(ctx);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void answer(ChannelHandlerContext ctx) {
            Http2StreamChannel stream = (Http2StreamChannel) ctx.channel();
            Map<String, String> plain = new java.util.TreeMap<>();
            headers.forEach(h -> plain.put(h.getKey().toString(), h.getValue().toString()));
            String path = headers.path().toString();
            arrivals.add(new Arrival("h2", stream.parent().id().asShortText(), stream.stream().id(),
                    headers.method().toString(), path, String.valueOf(headers.authority()), plain, body.toString(),
                    System.nanoTime()));
            if (path.startsWith("/reset")) {
                ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.INTERNAL_ERROR));
                return;
            }
            if (path.startsWith("/refuse-once") && refusedOnce.compareAndSet(false, true)) {
                ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.REFUSED_STREAM));
                return;
            }
            if (path.startsWith("/close-once") && closedOnce.compareAndSet(false, true)) {
                stream.parent().close();
                return;
            }
            Http2Headers head = new DefaultHttp2Headers().status("200");
            respond(path, (name, value) -> head.add(name, value));
            ByteBuf content = Unpooled.copiedBuffer("h2 says hi", StandardCharsets.UTF_8);
            head.setInt("content-length", content.readableBytes());
            Runnable send = () -> {
                ctx.write(new DefaultHttp2HeadersFrame(head));
                ctx.writeAndFlush(new DefaultHttp2DataFrame(content, true));
            };
            if (path.startsWith("/slow")) {
                ctx.executor().schedule(send, 300, TimeUnit.MILLISECONDS);
            } else {
                send.run();
            }
        }
    }

    /** HTTP/1.1 after ALPN picked it (or the client offered nothing). */
    private final class Http1Handler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            FullHttpRequest request = (FullHttpRequest) msg;
            try {
                Map<String, String> plain = new java.util.TreeMap<>();
                request.headers().forEach(h -> plain.put(h.getKey().toLowerCase(java.util.Locale.ROOT), h.getValue()));
                arrivals.add(new Arrival("http/1.1", ctx.channel().id().asShortText(), 0, request.method().name(),
                        request.uri(), request.headers().get("Host"), plain,
                        request.content().toString(StandardCharsets.UTF_8), System.nanoTime()));
                if (request.uri().startsWith("/reset")) {
                    ctx.close();
                    return;
                }
                DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        Unpooled.copiedBuffer("h1 says hi", StandardCharsets.UTF_8));
                respond(request.uri(), (name, value) -> response.headers().add(name, value));
                response.headers().setInt("content-length", response.content().readableBytes());
                Runnable send = () -> ctx.writeAndFlush(response);
                if (request.uri().startsWith("/slow")) {
                    ctx.executor().schedule(send, 300, TimeUnit.MILLISECONDS);
                } else {
                    send.run();
                }
            } finally {
                request.release();
            }
        }
    }

    private static void respond(String path, java.util.function.BiConsumer<String, String> header) {
        header.accept("content-type", "text/plain");
        header.accept("x-ratelimit-limit", "5000");
        header.accept("x-ratelimit-remaining", path.startsWith("/limited") ? "0" : "4000");
        header.accept("x-ratelimit-reset", String.valueOf(System.currentTimeMillis() / 1000 + 60));
        header.accept("x-ratelimit-resource", "core");
    }
}
