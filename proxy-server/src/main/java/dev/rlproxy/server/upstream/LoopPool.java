package dev.rlproxy.server.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.util.Attribute;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The HTTP/1.1 keep-alive connections of one upstream on one event loop: at most
 * {@code maxConnections} open (idle, in use or connecting), the most recently used idle one handed
 * out first, acquires beyond the bound waiting (at most {@code maxPendingAcquires}, each at most
 * {@code acquireTimeoutMillis}), and {@code warmTarget} idle connections kept open. A connection
 * that closed while idle is dropped when found; one that comes back closed frees its place.
 * Everything here runs on that loop, so its state needs no locks; an idle connection is handed out
 * with one allocation (the completed future), where Netty's {@code FixedChannelPool} built and
 * completed three promises per acquire and two per release.
 */
final class LoopPool {

    private static final Logger log = LoggerFactory.getLogger(LoopPool.class);
    /** How often a warm pool checks that it still has its idle connections. */
    static final long WARM_CHECK_MILLIS = 1_000;

    private final String upstream;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final int maxConnections;
    private final int warmTarget;
    private final long acquireTimeoutMillis;
    private final int maxPendingAcquires;
    /** Open connections waiting for a request, the most recently released last. */
    private final ArrayDeque<Channel> idle = new ArrayDeque<>();
    private final Set<Channel> inUse = new HashSet<>();
    private final ArrayDeque<Promise<Channel>> waiting = new ArrayDeque<>();
    private int connecting;
    private int warmConnecting;
    private ScheduledFuture<?> warmTimer;
    private boolean warmFailing;
    private boolean closed;

    LoopPool(String upstream, EventLoop loop, Bootstrap bootstrap, UpstreamChannelInitializer initializer,
             int maxConnections, int warmTarget, long acquireTimeoutMillis, int maxPendingAcquires) {
        this.upstream = upstream;
        this.loop = loop;
        this.bootstrap = bootstrap.clone().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                initializer.initialize(ch);
                ch.closeFuture().addListener(f -> idle.remove(ch)); // on the loop, like everything here
            }
        });
        this.maxConnections = maxConnections;
        this.warmTarget = warmTarget;
        this.acquireTimeoutMillis = acquireTimeoutMillis;
        this.maxPendingAcquires = maxPendingAcquires;
    }

    /** An open connection ready for a request; completes on this loop. */
    Future<Channel> acquire() {
        if (loop.inEventLoop()) {
            Channel ready = takeIdle();
            if (ready != null) {
                return loop.newSucceededFuture(ready);
            }
            Promise<Channel> promise = loop.newPromise();
            acquireNew(promise);
            return promise;
        }
        Promise<Channel> promise = loop.newPromise();
        loop.execute(() -> {
            Channel ready = takeIdle();
            if (ready != null) {
                handOver(ready, promise);
            } else {
                acquireNew(promise);
            }
        });
        return promise;
    }

    /** Takes back a connection after a complete exchange; a closed one frees its place. */
    void release(Channel channel) {
        if (!loop.inEventLoop()) {
            loop.execute(() -> release(channel));
            return;
        }
        if (!inUse.remove(channel)) {
            return; // released twice (a discard after a failed write), or not from this pool
        }
        markWaitedInPool(channel);
        if (!channel.isActive() || closed) {
            channel.close();
            Promise<Channel> next = waiting.poll();
            if (next != null) {
                acquireNew(next); // its place is free: a new connection for the next in line
            }
            return;
        }
        Promise<Channel> next = waiting.poll();
        if (next != null) {
            handOver(channel, next);
        } else {
            idle.addLast(channel);
        }
    }

    /** Opens the warm connections now and checks every second that they are still there. */
    void keepWarm() {
        if (warmTarget > 0) {
            loop.execute(this::topUp);
            warmTimer = loop.scheduleAtFixedRate(this::topUp, WARM_CHECK_MILLIS, WARM_CHECK_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    void close() {
        loop.execute(() -> {
            closed = true;
            if (warmTimer != null) {
                warmTimer.cancel(false);
            }
            Channel channel;
            while ((channel = idle.poll()) != null) {
                channel.close();
            }
            Promise<Channel> next;
            while ((next = waiting.poll()) != null) {
                next.tryFailure(new IllegalStateException("connections to upstream '" + upstream + "' are closed"));
            }
        });
    }

    // ---- on the loop ---------------------------------------------------------------------------

    /** The most recently used idle connection still open, now in use; null when there is none. */
    private Channel takeIdle() {
        Channel channel;
        while ((channel = idle.pollLast()) != null) {
            if (channel.isActive()) {
                inUse.add(channel);
                return channel;
            }
            channel.close(); // closed while idle: its close listener has not run yet
        }
        return null;
    }

    /** No idle connection: opens one if the bound allows, else waits for a release. */
    private void acquireNew(Promise<Channel> promise) {
        if (closed) {
            promise.tryFailure(new IllegalStateException("connections to upstream '" + upstream + "' are closed"));
        } else if (inUse.size() + idle.size() + connecting < maxConnections) {
            connect(promise);
        } else if (waiting.size() >= maxPendingAcquires) {
            promise.tryFailure(new IllegalStateException("too many requests waiting for a connection to upstream '"
                    + upstream + "'"));
        } else {
            waiting.add(promise);
            ScheduledFuture<?> timeout = loop.schedule(() -> {
                if (waiting.remove(promise)) {
                    promise.tryFailure(new TimeoutException("no connection to upstream '" + upstream + "' within "
                            + acquireTimeoutMillis + " ms"));
                }
            }, acquireTimeoutMillis, TimeUnit.MILLISECONDS);
            promise.addListener(f -> timeout.cancel(false));
        }
    }

    private void connect(Promise<Channel> promise) {
        connecting++;
        ChannelFuture connect = bootstrap.connect(); // completes once ready for a request (ConnectGate)
        connect.addListener(f -> {
            connecting--;
            if (f.isSuccess()) {
                inUse.add(connect.channel());
                handOver(connect.channel(), promise);
                return;
            }
            promise.tryFailure(f.cause());
            Promise<Channel> next = waiting.poll();
            if (next != null) {
                acquireNew(next); // the failed connect's place is free again
            }
        });
    }

    /** Gives {@code channel}, already counted in use, to {@code promise}; back to the pool if it was given up. */
    private void handOver(Channel channel, Promise<Channel> promise) {
        if (!promise.trySuccess(channel)) {
            release(channel);
        }
    }

    /** Marks a connection that has waited idle in the pool: the upstream may have closed it meanwhile. */
    private static void markWaitedInPool(Channel channel) {
        Attribute<Boolean> waited = channel.attr(UpstreamConnections.WAITED_IN_POOL);
        if (waited.get() == null) {
            waited.set(Boolean.TRUE);
        }
    }

    /** Opens as many connections as the warm target misses, within the pool's bound. */
    private void topUp() {
        int open = inUse.size() + idle.size() + connecting;
        int missing = Math.min(warmTarget - idle.size() - warmConnecting, maxConnections - open);
        for (int i = 0; i < missing && !closed; i++) {
            warmConnecting++;
            connecting++;
            ChannelFuture connect = bootstrap.connect();
            connect.addListener(f -> {
                warmConnecting--;
                connecting--;
                warmed(connect, f.cause());
            });
        }
    }

    private void warmed(ChannelFuture connect, Throwable failure) {
        if (failure == null) {
            Channel channel = connect.channel();
            inUse.add(channel);
            release(channel); // idle, or straight to a request waiting for it
        } else {
            Promise<Channel> next = waiting.poll();
            if (next != null) {
                acquireNew(next);
            }
        }
        if (failure != null && !warmFailing) {
            log.warn("upstream '{}': could not open a warm connection ({}); will keep trying", upstream,
                    failure.toString());
        } else if (failure == null && warmFailing) {
            log.info("upstream '{}': warm connections open again", upstream);
        }
        warmFailing = failure != null;
    }
}
