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
 * Independently of the phase, the exchange's {@code responseTimeout} (the upstream's time to send a
 * response head, counted from the last progress of the request) runs on the same timer: a streamed
 * body may be waiting for the client while the upstream is waited for.
 * Timers run on the connection's event loop; nothing sleeps. A connection has at most one scheduled
 * task: arming moves a deadline and cancelling clears it, and the task, when it runs, either expires
 * the phase, re-schedules itself for a deadline that moved on, or finds nothing armed. Every request
 * arms and cancels three timers (head, idle, response), which otherwise cost a scheduled task and a
 * queue insert and removal each.
 */
final class ClientTimeouts extends ChannelDuplexHandler {

    /** What happens when a timer fires; called on the event loop. */
    interface Expiry {
        void headTimedOut();

        void idleTimedOut();

        void bodyTimedOut();

        void responseTimedOut();
    }

    private enum Phase { HEAD, IDLE, BODY, BUSY }

    private final ClientLimits limits;
    private Expiry expiry;
    private ChannelHandlerContext ctx;
    private Phase phase = Phase.HEAD;
    /** The phase whose timeout is armed, or null. */
    private Phase armed;
    private long deadlineNanos;
    /** Whether the upstream's response head is awaited, and until when. */
    private boolean awaitingResponse;
    private long responseDeadlineNanos;
    /** The one scheduled task, or null; it runs at {@code timerAtNanos}. */
    private ScheduledFuture<?> timer;
    private long timerAtNanos;
    private final Runnable timerTask = this::timerRan;

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
        arm(limits.headerTimeout());
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (phase == Phase.IDLE) {
            phase = Phase.HEAD;
            arm(limits.headerTimeout());
        } else if (phase == Phase.BODY) {
            cancel(); // re-armed when the proxy asks for more
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        if (phase == Phase.BODY && armed == null) {
            arm(limits.bodyTimeout());
        }
        ctx.read();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        awaitingResponse = false;
        if (timer != null) {
            timer.cancel(false); // nothing will re-arm it: let the closed connection go now
            timer = null;
        }
        ctx.fireChannelInactive();
    }

    /** A response is done and the connection stays open for another request. */
    void awaitNextRequest() {
        phase = Phase.IDLE;
        arm(limits.idleTimeout());
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

    /** The request (or more of its body) went upstream: its response head is due within {@code timeoutNanos}. */
    void awaitResponse(long timeoutNanos) {
        long now = ctx.executor().ticker().nanoTime();
        awaitingResponse = true;
        responseDeadlineNanos = now + timeoutNanos;
        runTimerBy(responseDeadlineNanos, now);
    }

    /** The response head arrived, or the exchange stopped waiting for it. */
    void responseArrived() {
        awaitingResponse = false;
    }

    /** Arms the current phase's timeout, {@code timeout} from now. */
    private void arm(Duration timeout) {
        long now = ctx.executor().ticker().nanoTime();
        armed = phase;
        deadlineNanos = now + timeout.toNanos();
        runTimerBy(deadlineNanos, now);
    }

    /** Makes sure the timer runs no later than {@code deadline}. */
    private void runTimerBy(long deadline, long now) {
        if (timer != null && timerAtNanos - deadline > 0) {
            timer.cancel(false); // it would run too late for the new deadline
            timer = null;
        }
        if (timer == null) {
            schedule(deadline, now);
        }
    }

    private void schedule(long at, long now) {
        timerAtNanos = at;
        timer = ctx.executor().schedule(timerTask, at - now, TimeUnit.NANOSECONDS);
    }

    private void timerRan() {
        timer = null;
        long now = ctx.executor().ticker().nanoTime();
        if (awaitingResponse && responseDeadlineNanos - now <= 0) {
            awaitingResponse = false;
            expiry.responseTimedOut();
        }
        if (armed != null && deadlineNanos - now <= 0) {
            Phase expired = armed;
            armed = null;
            switch (expired) {
                case HEAD -> expiry.headTimedOut();
                case IDLE -> expiry.idleTimedOut();
                case BODY -> expiry.bodyTimedOut();
                default -> throw new IllegalStateException("no timeout in phase " + expired);
            }
        }
        // Deadlines that moved on since this was scheduled, or were set by the expiries just run.
        if (armed != null) {
            runTimerBy(deadlineNanos, now);
        }
        if (awaitingResponse) {
            runTimerBy(responseDeadlineNanos, now);
        }
    }

    private void cancel() {
        armed = null;
    }
}
