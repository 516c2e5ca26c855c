package dev.rlproxy.server.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.pool.ChannelHealthChecker;
import io.netty.channel.pool.FixedChannelPool;
import io.netty.handler.ssl.SslContext;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pooled keep-alive connections to one upstream: one bounded {@link FixedChannelPool} per event
 * loop, so a client connection and its upstream connection share a thread and no request crosses
 * threads. Pending acquires are bounded too; past that the acquire fails at once (502).
 */
public final class UpstreamConnections implements AutoCloseable {

    /** Set once a connection has been back in the pool: it may be stale when next acquired. */
    static final AttributeKey<Boolean> WAITED_IN_POOL = AttributeKey.valueOf("rlproxy.waitedInPool");

    private final UpstreamTarget target;
    private final UpstreamSettings settings;
    private final SslContext sslContext;
    private final Class<? extends Channel> channelType;
    private final AddressResolverGroup<InetSocketAddress> resolver;
    private final Map<EventLoop, FixedChannelPool> pools = new ConcurrentHashMap<>();

    public UpstreamConnections(UpstreamTarget target, UpstreamSettings settings, SslContext sslContext,
                               Class<? extends Channel> channelType, AddressResolverGroup<InetSocketAddress> resolver) {
        this.target = target;
        this.settings = settings;
        this.sslContext = sslContext;
        this.channelType = channelType;
        this.resolver = resolver;
    }

    public UpstreamTarget target() {
        return target;
    }

    /** A connected, idle channel on {@code loop}; completes on that loop. */
    public Future<Channel> acquire(EventLoop loop) {
        return pools.computeIfAbsent(loop, this::newPool).acquire();
    }

    /**
     * Whether {@code channel} came out of the pool after waiting there, rather than being connected
     * for the current request: only such a connection can have been closed by the upstream unseen.
     */
    public static boolean waitedInPool(Channel channel) {
        return Boolean.TRUE.equals(channel.attr(WAITED_IN_POOL).get());
    }

    /** Returns a channel after a complete exchange; a closed one is dropped by the pool. */
    public void release(Channel channel) {
        FixedChannelPool pool = pools.get(channel.eventLoop());
        if (pool != null) {
            pool.release(channel);
        } else {
            channel.close();
        }
    }

    /** Closes a channel that cannot be reused (mid-response failure, retry) and frees its slot. */
    public void discard(Channel channel) {
        channel.close();
        release(channel);
    }

    private FixedChannelPool newPool(EventLoop loop) {
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(channelType)
                .resolver(resolver) // non-blocking DNS: the JDK's lookup would block the event loop
                .remoteAddress(target.host(), target.port())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis()));
        return new FixedChannelPool(bootstrap, new UpstreamChannelInitializer(target, sslContext),
                ChannelHealthChecker.ACTIVE, FixedChannelPool.AcquireTimeoutAction.FAIL,
                settings.connectTimeout().toMillis() + settings.responseTimeout().toMillis(),
                settings.maxConnectionsPerLoop(), settings.maxPendingAcquires(), true, true);
    }

    @Override
    public void close() {
        pools.values().forEach(FixedChannelPool::closeAsync);
        pools.clear();
    }
}
