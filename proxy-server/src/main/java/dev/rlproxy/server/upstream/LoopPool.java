package dev.rlproxy.server.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.ChannelHealthChecker;
import io.netty.channel.pool.FixedChannelPool;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The connections of one upstream on one event loop: a bounded {@link FixedChannelPool}, plus the
 * idle connections it keeps warm. Everything here runs on that loop.
 */
final class LoopPool extends AbstractChannelPoolHandler {

    private static final Logger log = LoggerFactory.getLogger(LoopPool.class);
    /** How often a warm pool checks that it still has its idle connections. */
    static final long WARM_CHECK_MILLIS = 1_000;

    private final String upstream;
    private final EventLoop loop;
    private final UpstreamChannelInitializer initializer;
    private final int maxConnections;
    private final int warmTarget;
    private final FixedChannelPool pool;
    /** Open connections waiting in the pool; maintained through the pool's callbacks. */
    private final Set<Channel> idle = new HashSet<>();
    private ScheduledFuture<?> warmTimer;
    private boolean warming;
    private boolean warmFailing;

    LoopPool(String upstream, EventLoop loop, Bootstrap bootstrap, UpstreamChannelInitializer initializer,
             int maxConnections, int warmTarget, long acquireTimeoutMillis, int maxPendingAcquires) {
        this.upstream = upstream;
        this.loop = loop;
        this.initializer = initializer;
        this.maxConnections = maxConnections;
        this.warmTarget = warmTarget;
        this.pool = new FixedChannelPool(bootstrap, this, ChannelHealthChecker.ACTIVE,
                FixedChannelPool.AcquireTimeoutAction.FAIL, acquireTimeoutMillis, maxConnections,
                maxPendingAcquires, true, true);
    }

    Future<Channel> acquire() {
        return pool.acquire();
    }

    void release(Channel channel) {
        pool.release(channel);
    }

    /** Opens the warm connections now and checks every second that they are still there. */
    void keepWarm() {
        if (warmTarget > 0) {
            loop.execute(this::topUp);
            warmTimer = loop.scheduleAtFixedRate(this::topUp, WARM_CHECK_MILLIS, WARM_CHECK_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    void close() {
        if (warmTimer != null) {
            warmTimer.cancel(false);
        }
        pool.closeAsync();
    }

    @Override
    public void channelCreated(Channel ch) {
        initializer.initialize(ch);
        ch.closeFuture().addListener(f -> idle.remove(ch));
    }

    @Override
    public void channelAcquired(Channel ch) {
        idle.remove(ch);
    }

    /** Marks a connection that has waited idle in the pool: the upstream may have closed it meanwhile. */
    @Override
    public void channelReleased(Channel ch) {
        ch.attr(UpstreamConnections.WAITED_IN_POOL).set(Boolean.TRUE);
        if (ch.isActive()) {
            idle.add(ch);
        }
    }

    /**
     * Brings the idle connections back up to the warm target, within the pool's bound: takes every
     * idle one plus as many new ones as are missing, then returns them all, so the new ones are
     * really opened rather than an idle one handed back and forth.
     */
    private void topUp() {
        if (warming) {
            return;
        }
        int open = pool.acquiredChannelCount() + idle.size();
        int missing = Math.min(warmTarget - idle.size(), maxConnections - open);
        if (missing <= 0) {
            return;
        }
        warming = true;
        int take = idle.size() + missing;
        List<Future<Channel>> taken = new ArrayList<>(take);
        for (int i = 0; i < take; i++) {
            Future<Channel> f = pool.acquire();
            taken.add(f);
            f.addListener(done -> {
                if (taken.size() == take && taken.stream().allMatch(Future::isDone)) {
                    warmed(taken);
                }
            });
        }
    }

    private void warmed(List<Future<Channel>> taken) {
        if (!warming) {
            return;
        }
        warming = false;
        Throwable failure = null;
        for (Future<Channel> f : taken) {
            if (f.isSuccess()) {
                pool.release(f.getNow());
            } else {
                failure = f.cause();
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
