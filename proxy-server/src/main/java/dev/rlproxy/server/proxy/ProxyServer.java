package dev.rlproxy.server.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import dev.rlproxy.server.tls.HandshakeFailures;
import io.netty.handler.ssl.SslContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The client-facing listener. Each connection gets the HTTP codec (with a strict request decoder),
 * automatic {@code 100 Continue}, its timers ({@link ClientTimeouts}) and a
 * {@link ClientConnectionHandler}; AUTO_READ is off so nothing is read faster than it can be
 * forwarded. {@link ConnectionCaps} closes connections over the caps at accept.
 */
public final class ProxyServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);

    private final Channel listener;
    private final Draining draining;

    private ProxyServer(Channel listener, Draining draining) {
        this.listener = listener;
        this.draining = draining;
    }

    /**
     * Binds {@code host:port} (port 0 picks a free one) and starts serving on {@code workers}.
     *
     * @param tls TLS for every connection, or null for plain HTTP
     */
    public static ProxyServer start(String host, int port, ProxyRuntime runtime, ClientLimits limits,
                                    EventLoopGroup workers, Class<? extends io.netty.channel.ServerChannel> channelType,
                                    SslContext tls)
            throws InterruptedException {
        ConnectionCaps caps = new ConnectionCaps(limits.maxConnections(), limits.maxConnectionsPerClient());
        HandshakeFailures handshakeFailures = new HandshakeFailures("server.tls");
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(workers)
                .channel(channelType)
                .handler(caps)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ClientTimeouts timeouts = new ClientTimeouts(limits);
                        if (tls != null) {
                            // the head timer counts from accept, so a stalled handshake is cut off too
                            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()))
                                    .addLast("handshake-failures", handshakeFailures);
                        }
                        ch.pipeline()
                                .addLast("timeouts", timeouts)
                                // Two handlers rather than one combined codec: each event then skips the
                                // combined handler's delegating context (nothing is shared between them).
                                .addLast("request-decoder", new StrictRequestDecoder())
                                .addLast("response-encoder", new HttpResponseEncoder())
                                .addLast("continue", new HttpServerExpectContinueHandler())
                                .addLast("proxy", new ClientConnectionHandler(runtime, timeouts));
                    }
                });
        Channel channel = bootstrap.bind(host, port).sync().channel();
        log.info("proxy listening on {}{} (at most {} client connections, {} per client address)",
                channel.localAddress(), tls == null ? "" : " with TLS", limits.maxConnections(),
                limits.maxConnectionsPerClient());
        return new ProxyServer(channel, runtime.draining());
    }

    /** {@code configured}, lowered to half the process's open-file limit when that is smaller. */
    public static int effectiveMaxConnections(int configured) {
        return ConnectionCaps.effectiveMaxConnections(configured);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    public int port() {
        return address().getPort();
    }

    /**
     * Stops accepting, then lets in-flight exchanges finish for up to {@code drain}. The event
     * loops belong to the caller and keep running.
     */
    public void stop(Duration drain) {
        listener.close().syncUninterruptibly();
        long deadline = System.nanoTime() + drain.toNanos();
        while (draining.inFlight() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // shutdown thread only, never an event loop
        }
        int left = draining.inFlight();
        if (left > 0) {
            log.warn("stopping with {} exchanges still in flight after {}", left, drain);
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(5));
    }
}
