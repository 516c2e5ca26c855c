package dev.rlproxy.server.proxy;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The client connection's timers, first in its pipeline so it sees raw bytes arrive and every read
 * the proxy asks for. {@link ClientConnectionHandler} says which phase the connection is in:
 * <ul>
 *   <li>waiting for a request head — one deadline for the whole head ({@code headerTimeout}, counted
 *       from accept, or from the first byte after a response), so a client sending a byte now and
 *       then (slowloris) is still cut off;</li>
 *   <li>idle between requests — {@code idleTimeout} until the next request's first byte;</li>
 *   <li>receiving a body — {@code bodyTimeout} of silence, counted only while the proxy has asked
 *       for more (a body the proxy holds back while it waits for quota never times out here);</li>
 *   <li>busy — the exchange is with the upstream; its own timeouts apply.</li>
 * </ul>
 * Timers run on the connection's event loop; nothing sleeps.
 */
final class ClientTimeouts extends ChannelDuplexHandler {

    /** What happens when a timer fires; called on the event loop. */
    interface Expiry {
        void headTimedOut();

        void idleTimedOut();

        void bodyTimedOut();
    }

    private enum Phase { HEAD, IDLE, BODY, BUSY }

    private final ClientLimits limits;
    private Expiry expiry;
    private ChannelHandlerContext ctx;
    private Phase phase = Phase.HEAD;
    private ScheduledFuture<?> timer;

    ClientTimeouts(ClientLimits limits) {
        this.limits = limits;
    }

    void expireInto(Expiry expiry) {
        this.expiry = expiry;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        arm(limits.headerTimeout(), () -> expiry.headTimedOut());
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (phase == Phase.IDLE) {
            phase = Phase.HEAD;
            arm(limits.headerTimeout(), () -> expiry.headTimedOut());
        } else if (phase == Phase.BODY) {
            cancel(); // re-armed when the proxy asks for more
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        if (phase == Phase.BODY && timer == null) {
            arm(limits.bodyTimeout(), () -> expiry.bodyTimedOut());
        }
        ctx.read();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    /** A response is done and the connection stays open for another request. */
    void awaitNextRequest() {
        phase = Phase.IDLE;
        arm(limits.idleTimeout(), () -> expiry.idleTimedOut());
    }

    /** A request head arrived; {@code bodyFollows}: the proxy will read a body next. */
    void headReceived(boolean bodyFollows) {
        cancel();
        phase = bodyFollows ? Phase.BODY : Phase.BUSY;
    }

    /** The request body arrived whole (or was refused). */
    void bodyReceived() {
        if (phase == Phase.BODY) {
            cancel();
            phase = Phase.BUSY;
        }
    }

    private void arm(Duration timeout, Runnable onExpiry) {
        cancel();
        timer = ctx.executor().schedule(() -> {
            timer = null;
            onExpiry.run();
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
