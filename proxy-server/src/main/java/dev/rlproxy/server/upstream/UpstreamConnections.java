package dev.rlproxy.server.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import dev.rlproxy.core.config.EgressProxy;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pooled keep-alive connections to one upstream: one bounded pool per event loop, so a client
 * connection and its upstream connection share a thread and no request crosses threads.
 * {@code maxConnections} and {@code minIdle} are shared out over the loops (at least one
 * connection each); new connections are paced per upstream ({@link ConnectPacer}) and handed out
 * only once ready for a request (TLS handshake done, {@link ConnectGate}). Pending acquires are
 * bounded too; past that the acquire fails at once (502). Through an egress proxy, the pool holds
 * connections to the proxy (tunnels for an https upstream), still one pool per upstream.
 *
 * <p>With {@code http2: auto}, an https upstream's connections offer {@code h2} by ALPN: while the
 * upstream picks it, each loop's {@link Http2LoopPool} hands out streams multiplexed over few
 * connections; the first handshake that picks {@code http/1.1} switches every loop to the
 * HTTP/1.1 pools for good.
 */
public final class UpstreamConnections implements UpstreamChannels, AutoCloseable {

    /** Set once a connection has been back in the pool: it may be stale when next acquired. */
    static final AttributeKey<Boolean> WAITED_IN_POOL = AttributeKey.valueOf("rlproxy.waitedInPool");

    private final UpstreamTarget target;
    private final String hostHeader;
    private final UpstreamSettings settings;
    private final Class<? extends Channel> channelType;
    private final AddressResolverGroup<? extends SocketAddress> resolver;
    private final UpstreamChannelInitializer initializer;
    /** Where the sockets connect: the upstream, or the egress proxy for absolute-form requests. */
    private final InetSocketAddress remote;
    private final Map<EventLoop, LoopPool> pools = new ConcurrentHashMap<>();
    /** With {@code http2: auto} on an https upstream: the HTTP/2 connections per loop; otherwise empty. */
    private final Map<EventLoop, Http2LoopPool> http2Pools = new ConcurrentHashMap<>();
    private final boolean offersHttp2;
    /** Set once a handshake picked HTTP/1.1 over h2: the HTTP/1.1 pools serve from then on. */
    private volatile boolean http1Picked;

    /**
     * @param tls    null for a plain-http upstream
     * @param egress the egress proxy its connections go through, or null for direct connections
     */
    public UpstreamConnections(UpstreamTarget target, UpstreamSettings settings, UpstreamTls tls, EgressProxy egress,
                               Class<? extends Channel> channelType, AddressResolverGroup<InetSocketAddress> resolver) {
        this.target = target;
        this.hostHeader = target.hostHeader();
        this.settings = settings;
        this.channelType = channelType;
        this.offersHttp2 = tls != null && tls.offersHttp2();
        this.initializer = new UpstreamChannelInitializer(target, tls, egress, resolver,
                new ConnectPacer(settings.maxConnectsPerSecond(), System::nanoTime),
                settings.connectTimeout().toMillis());
        // A tunnel names the upstream to the egress proxy unresolved; the proxy's own name is
        // resolved in the pipeline (ProxyAddressResolver).
        this.resolver = initializer.tunnels() ? NoopAddressResolverGroup.INSTANCE : resolver;
        this.remote = egress == null || target.tls()
                ? InetSocketAddress.createUnresolved(target.host(), target.port())
                : InetSocketAddress.createUnresolved(egress.host(), egress.port());
    }

    public UpstreamTarget target() {
        return target;
    }

    /** The Host header of requests to the upstream, made once ({@link UpstreamTarget#hostHeader}). */
    public String hostHeader() {
        return hostHeader;
    }

    /**
     * Creates the pool of every loop of {@code workers} with its share of the bounds, and opens the
     * warm connections ({@code minIdle}), which are kept open from then on.
     */
    public void start(EventLoopGroup workers) {
        List<EventLoop> loops = new ArrayList<>();
        for (EventExecutor executor : workers) {
            loops.add((EventLoop) executor);
        }
        for (int i = 0; i < loops.size(); i++) {
            int maxShare = Math.max(1, share(settings.maxConnections(), loops.size(), i));
            LoopPool pool = newPool(loops.get(i), maxShare, Math.min(maxShare, share(settings.minIdle(), loops.size(), i)));
            pools.put(loops.get(i), pool);
            if (!offersHttp2) {
                pool.keepWarm();
            } else {
                Http2LoopPool http2 = newHttp2Pool(loops.get(i), maxShare);
                http2Pools.put(loops.get(i), http2);
                if (share(settings.minIdle(), loops.size(), i) > 0) {
                    http2.keepWarm();
                }
            }
        }
    }

    /**
     * A connected, idle channel on {@code loop}, ready for a request, or with HTTP/2 a new stream on a
     * connection of that loop; completes on that loop.
     */
    @Override
    public Future<Channel> acquire(EventLoop loop) {
        if (offersHttp2 && !http1Picked) {
            return http2Pools.computeIfAbsent(loop, l -> newHttp2Pool(l, settings.maxConnections())).acquire();
        }
        return http1Pool(loop).acquire();
    }

    private LoopPool http1Pool(EventLoop loop) {
        return pools.computeIfAbsent(loop, l -> newPool(l, settings.maxConnections(), 0));
    }

    /**
     * Whether {@code channel} came out of the pool after waiting there, rather than being connected
     * for the current request: only such a connection can have been closed by the upstream unseen.
     */
    public static boolean waitedInPool(Channel channel) {
        return Boolean.TRUE.equals(channel.attr(WAITED_IN_POOL).get());
    }

    /**
     * Returns a channel after a complete exchange; a closed one is dropped by the pool. An HTTP/2
     * stream carries one request: it is closed, which frees its place on the connection.
     */
    @Override
    public void release(Channel channel) {
        if (channel.parent() != null) {
            channel.close();
            return;
        }
        LoopPool pool = pools.get(channel.eventLoop());
        if (pool != null) {
            pool.release(channel);
        } else {
            channel.close();
        }
    }

    /**
     * Closes a channel that cannot be reused (mid-response failure, retry) and frees its slot. For an
     * HTTP/2 stream still open that is a {@code RST_STREAM}; the connection and its other streams stay.
     */
    @Override
    public void discard(Channel channel) {
        channel.close();
        release(channel);
    }

    private LoopPool newPool(EventLoop loop, int maxConnections, int warmTarget) {
        return new LoopPool(target.name(), loop, bootstrap(loop), initializer, maxConnections, warmTarget,
                settings.connectTimeout().toMillis() + settings.responseTimeout().toMillis(),
                settings.maxPendingAcquires());
    }

    private Bootstrap bootstrap(EventLoop loop) {
        return new Bootstrap()
                .group(loop)
                .channel(channelType)
                .resolver(resolver) // non-blocking DNS: the JDK's lookup would block the event loop
                .remoteAddress(remote)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis()));
    }

    private Http2LoopPool newHttp2Pool(EventLoop loop, int maxConnections) {
        return new Http2LoopPool(target.name(), loop, bootstrap(loop), initializer, maxConnections,
                settings.connectTimeout().toMillis() + settings.responseTimeout().toMillis(),
                settings.connectTimeout().toMillis(), settings.maxPendingAcquires(), this::http1Picked);
    }

    /**
     * A handshake picked HTTP/1.1: every loop's waiting and later acquires go to its HTTP/1.1 pool,
     * which keeps its warm connections from now on.
     */
    private synchronized void http1Picked() {
        if (http1Picked) {
            return;
        }
        http1Picked = true;
        http2Pools.forEach((loop, http2) -> loop.execute(() -> {
            LoopPool http1 = http1Pool(loop);
            http2.useHttp1(promise -> http1.acquire().addListener(f -> {
                if (f.isSuccess()) {
                    if (!promise.trySuccess((Channel) f.getNow())) {
                        http1.release((Channel) f.getNow());
                    }
                } else {
                    promise.tryFailure(f.cause());
                }
            }));
            http1.keepWarm();
        }));
    }

    /** The {@code index}-th of {@code parts} near-equal shares of {@code total}. */
    private static int share(int total, int parts, int index) {
        return total / parts + (index < total % parts ? 1 : 0);
    }

    @Override
    public void close() {
        pools.values().forEach(LoopPool::close);
        pools.clear();
        http2Pools.values().forEach(Http2LoopPool::close);
        http2Pools.clear();
    }
}
