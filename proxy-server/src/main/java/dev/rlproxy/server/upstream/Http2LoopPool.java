package dev.rlproxy.server.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The HTTP/2 connections of one upstream on one event loop. An acquire gets a new stream, an
 * {@link Http2StreamChannel} that carries one request and speaks HTTP/1 objects to the exchange
 * (the same {@link UpstreamRelayHandler} as an HTTP/1.1 connection). Streams go on a connection
 * with room under the upstream's {@code SETTINGS_MAX_CONCURRENT_STREAMS}; when every connection is
 * full the acquire waits, and one more connection is opened (one at a time, up to the loop's share
 * of {@code maxConnections}). A connection is ready once the TLS handshake has picked {@code h2}
 * and the upstream's first {@code SETTINGS} has arrived, so a stream's request leaves when written.
 * If the upstream picks {@code http/1.1}, this pool hands every acquire to {@code http1} from then
 * on. Everything here runs on the loop.
 */
final class Http2LoopPool {

    private static final Logger log = LoggerFactory.getLogger(Http2LoopPool.class);

    /**
     * Frames to HTTP/1 objects and back, for every stream: Netty marks the converter sharable (what it
     * knows of a connection it keeps on the connection's channel). Headers are validated once, by the
     * HTTP/2 codec's decoder.
     */
    private static final ChannelHandler TO_HTTP1 = new Http2StreamFrameToHttpObjectCodec(false, false);
    private static final ChannelHandler ADAPTER = new Http2StreamAdapter();
    /** Pipeline of each stream: frames to HTTP/1 objects and back, then the same relay as HTTP/1.1. */
    private static final ChannelHandler STREAM = new ChannelInitializer<Channel>() {
        @Override
        protected void initChannel(Channel stream) {
            stream.pipeline().addLast("http", TO_HTTP1);
            stream.pipeline().addLast("h2-adapter", ADAPTER);
            stream.pipeline().addLast("relay", new UpstreamRelayHandler());
        }
    };
    /** Streams the upstream opens (server push, which the proxy's settings disable) are closed at once. */
    private static final ChannelHandler NO_PUSH = new ChannelInitializer<Channel>() {
        @Override
        protected void initChannel(Channel pushed) {
            pushed.close();
        }
    };

    private final String upstream;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final int maxConnections;
    private final int maxPendingAcquires;
    private final long acquireTimeoutMillis;
    private final long settingsTimeoutMillis;
    private final Runnable http1Picked;
    private final List<Http2Connection> connections = new ArrayList<>();
    private final ArrayDeque<Promise<Channel>> pending = new ArrayDeque<>();
    private int connecting;
    /** Once set, the upstream speaks HTTP/1.1: acquires go there. */
    private Consumer<Promise<Channel>> http1;
    private ScheduledFuture<?> warmTimer;

    /**
     * @param http1Picked called when a connection's handshake picked {@code http/1.1}, so the owner can
     *                    {@link #useHttp1} on every loop
     */
    Http2LoopPool(String upstream, EventLoop loop, Bootstrap bootstrap, UpstreamChannelInitializer initializer,
                  int maxConnections, long acquireTimeoutMillis, long settingsTimeoutMillis, int maxPendingAcquires,
                  Runnable http1Picked) {
        this.upstream = upstream;
        this.loop = loop;
        this.bootstrap = bootstrap.clone().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                initializer.initializeNegotiating(ch);
            }
        });
        this.maxConnections = maxConnections;
        this.maxPendingAcquires = maxPendingAcquires;
        this.acquireTimeoutMillis = acquireTimeoutMillis;
        this.settingsTimeoutMillis = settingsTimeoutMillis;
        this.http1Picked = http1Picked;
    }

    /** A new stream, ready for one request; completes on this loop. */
    Future<Channel> acquire() {
        Promise<Channel> promise = loop.newPromise();
        if (loop.inEventLoop()) {
            acquire(promise);
        } else {
            loop.execute(() -> acquire(promise));
        }
        return promise;
    }

    private void acquire(Promise<Channel> promise) {
        if (http1 != null) {
            http1.accept(promise);
            return;
        }
        Http2Connection room = withRoom();
        if (room != null) {
            openStream(room, promise);
            return;
        }
        if (pending.size() >= maxPendingAcquires) {
            promise.tryFailure(new IllegalStateException("too many requests waiting for a connection to upstream '"
                    + upstream + "'"));
            return;
        }
        pending.add(promise);
        ScheduledFuture<?> timeout = loop.schedule(() -> {
            if (pending.remove(promise)) {
                promise.tryFailure(new TimeoutException("no HTTP/2 stream to upstream '" + upstream + "' within "
                        + acquireTimeoutMillis + " ms"));
            }
        }, acquireTimeoutMillis, TimeUnit.MILLISECONDS);
        promise.addListener(f -> timeout.cancel(false));
        connectIfNeeded();
    }

    /** Opens one connection now and, every second, again while there is none (warm connections). */
    void keepWarm() {
        loop.execute(() -> {
            warm();
            warmTimer = loop.scheduleAtFixedRate(this::warm, LoopPool.WARM_CHECK_MILLIS, LoopPool.WARM_CHECK_MILLIS,
                    TimeUnit.MILLISECONDS);
        });
    }

    private void warm() {
        if (http1 == null && connections.isEmpty() && connecting == 0) {
            connect();
        }
    }

    /** The upstream speaks HTTP/1.1: waiting and future acquires go to {@code http1}; HTTP/2 connections close. */
    void useHttp1(Consumer<Promise<Channel>> http1) {
        this.http1 = http1;
        stopWarming();
        Promise<Channel> waiting;
        while ((waiting = pending.poll()) != null) {
            http1.accept(waiting);
        }
        new ArrayList<>(connections).forEach(c -> c.channel().close());
    }

    void close() {
        loop.execute(() -> {
            stopWarming();
            new ArrayList<>(connections).forEach(c -> c.channel().close());
        });
    }

    // ---- connections ---------------------------------------------------------------------------

    private void connectIfNeeded() {
        if (!pending.isEmpty() && connecting == 0 && connections.size() < maxConnections) {
            connect();
        }
    }

    private void connect() {
        connecting++;
        ChannelFuture connect = bootstrap.connect();
        // Completes after the TLS handshake (ConnectGate), within the handshake's own events: the
        // HTTP/2 handlers are in place before the first byte after it is read.
        connect.addListener(f -> {
            connecting--;
            if (f.isSuccess()) {
                negotiated(connect.channel());
            } else {
                connectFailed(f.cause());
            }
        });
    }

    private void negotiated(Channel ch) {
        if (http1 != null) {
            ch.close(); // another connection found HTTP/1.1 meanwhile
            return;
        }
        String protocol = ch.pipeline().get(SslHandler.class).applicationProtocol();
        if (!ApplicationProtocolNames.HTTP_2.equals(protocol)) {
            ch.close();
            log.info("upstream '{}' picked {} in the TLS handshake, not h2: HTTP/1.1 from now on", upstream,
                    protocol == null ? "no protocol" : protocol);
            http1Picked.run();
            return;
        }
        Http2FrameCodec codec = Http2FrameCodecBuilder.forClient()
                .initialSettings(Http2Settings.defaultSettings().pushEnabled(false))
                // The pool keeps within the upstream's maximum; should a stream still be closing in
                // the codec when the next one starts, its HEADERS wait for it instead of failing.
                .encoderEnforceMaxConcurrentStreams(true)
                .build();
        Http2Connection connection = new Http2Connection(ch, codec, this, STREAM);
        connections.add(connection);
        ch.pipeline().addLast("h2", codec);
        ch.pipeline().addLast("h2-streams", new Http2MultiplexHandler(NO_PUSH));
        ch.pipeline().addLast("h2-connection", connection);
        // Streams are read as their exchanges ask (flow control); the connection reads always.
        ch.config().setAutoRead(true);
        loop.schedule(() -> {
            if (!connection.ready() && ch.isActive()) {
                log.warn("upstream '{}': no HTTP/2 SETTINGS within {} ms; closing the connection", upstream,
                        settingsTimeoutMillis);
                ch.close();
            }
        }, settingsTimeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** Waiting acquires fail with the connect's cause unless a connection that can take them is open. */
    private void connectFailed(Throwable cause) {
        if (connections.stream().anyMatch(Http2Connection::usable)) {
            return;
        }
        Promise<Channel> waiting;
        while ((waiting = pending.poll()) != null) {
            waiting.tryFailure(cause);
        }
    }

    void connectionClosed(Http2Connection connection) {
        connections.remove(connection);
        if (!connection.ready()) {
            connectFailed(new IOException("upstream closed the connection before its HTTP/2 settings"));
        }
        connectIfNeeded();
    }

    /** Whether acquires are waiting for a stream. */
    boolean hasWaiting() {
        return !pending.isEmpty();
    }

    /** A connection got ready, more or less room, or is going away: serve who waits. */
    void roomChanged() {
        Http2Connection room;
        while (!pending.isEmpty() && (room = withRoom()) != null) {
            openStream(room, pending.poll());
        }
        connectIfNeeded();
    }

    private Http2Connection withRoom() {
        for (Http2Connection connection : connections) {
            if (connection.hasRoom()) {
                return connection;
            }
        }
        return null;
    }

    // ---- streams -------------------------------------------------------------------------------

    private void openStream(Http2Connection connection, Promise<Channel> promise) {
        boolean reused = connection.streamOpened();
        connection.streams()
                .open()
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        connection.streamClosed();
                        promise.tryFailure(f.cause());
                        roomChanged();
                        return;
                    }
                    Channel stream = (Channel) f.getNow();
                    if (reused) {
                        stream.attr(UpstreamConnections.WAITED_IN_POOL).set(Boolean.TRUE);
                    }
                    stream.closeFuture().addListener(closed -> {
                        connection.streamClosed();
                        roomChanged();
                    });
                    if (!promise.trySuccess(stream)) {
                        stream.close(); // the acquire timed out meanwhile
                    }
                });
    }

    private void stopWarming() {
        if (warmTimer != null) {
            warmTimer.cancel(false);
            warmTimer = null;
        }
    }
}
