package dev.rlproxy.server.proxy;

import dev.rlproxy.core.headers.RateLimitObservation;
import dev.rlproxy.core.headers.UpstreamResponse;
import dev.rlproxy.core.limit.Ticket;
import dev.rlproxy.core.limit.RetryLaterException;
import dev.rlproxy.core.tokens.TokenLease;
import dev.rlproxy.server.upstream.UpstreamConnections;
import dev.rlproxy.server.upstream.UpstreamListener;
import dev.rlproxy.server.upstream.UpstreamRelayHandler;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * One client request's journey, top to bottom:
 * token → tickets → pooled connection → send → response head → feedback into limiter and pool
 * (before relaying) → maybe retry with another token → relay → release.
 *
 * <p>Everything runs on the client channel's event loop; futures completed elsewhere (limiter,
 * token pool) hop back onto it. Nothing blocks. The request body arrives separately through
 * {@link RequestBody}; the client connection reads more only when this exchange asks.
 */
final class ProxyExchange implements UpstreamListener {

    private static final Logger log = LoggerFactory.getLogger(ProxyExchange.class);

    private enum State { ADMITTING, SENDING, RELAYING, DONE }

    private final ChannelHandlerContext client;
    private final ProxyRuntime runtime;
    private final HttpRequest request;
    private final Route route;
    private final Upstream upstream;
    private final String routeKey;
    private final RequestBody body;
    private final ExchangeListener listener;
    private final boolean clientKeepAlive;
    private final long deadlineNanos;
    private final TokenRetries tokenRetries = new TokenRetries();
    private final ConnectRetries connectRetries = new ConnectRetries();

    private State state = State.ADMITTING;
    private int attempts;
    private long ticketGrantedAtNanos;
    private boolean resentAfterStaleConnection;
    private CompletableFuture<?> waiting;
    private TokenLease lease;
    private Ticket ticket;
    private Channel connection;
    private ScheduledFuture<?> responseTimer;
    private boolean responseKeepAlive;

    ProxyExchange(ChannelHandlerContext client, ProxyRuntime runtime, HttpRequest request, Route route,
                  RequestBody body, ExchangeListener listener) {
        this.client = client;
        this.runtime = runtime;
        this.request = request;
        this.route = route;
        this.upstream = route.upstream();
        this.routeKey = RouteKeys.of(request.method().name(), route.upstreamPath(request.uri()));
        this.body = body;
        this.listener = listener;
        this.clientKeepAlive = HttpUtil.isKeepAlive(request);
        this.deadlineNanos = runtime.clock().nanoTime() + runtime.maxWaitNanos();
    }

    /** Starts admission now, or once a buffered body has fully arrived. */
    void start() {
        if (!body.mustArriveBeforeSending()) {
            admit();
        }
    }

    /** A buffered body is complete: admission may begin. */
    void bodyComplete() {
        if (state == State.ADMITTING && waiting == null && ticket == null) {
            admit();
        }
    }

    // ---- 1. a token ----------------------------------------------------------------------------

    private void admit() {
        attempts++;
        if (upstream.tokens() == null || route.passthrough()) {
            onToken(null);
            return;
        }
        CompletableFuture<TokenLease> checkout = upstream.tokens().checkout(remainingWaitNanos(), tokenRetries.tried());
        await(checkout, this::onToken, lease -> lease.abandon());
    }

    // ---- 2. tickets in every bucket ------------------------------------------------------------

    private void onToken(TokenLease lease) {
        this.lease = lease;
        String fingerprint = lease != null ? lease.fingerprint() : upstream.clientCredentialFingerprint(request.headers());
        CompletableFuture<Ticket> tickets = runtime.limiter().acquire(
                upstream.ticketRequest(routeKey, fingerprint, request.headers(), remainingWaitNanos()));
        await(tickets, this::onTicket, ticket -> ticket.abandon(false));
    }

    // ---- 3. a pooled connection ----------------------------------------------------------------

    private void onTicket(Ticket ticket) {
        this.ticket = ticket;
        this.ticketGrantedAtNanos = runtime.clock().nanoTime();
        connectRetries.reset();
        acquireConnection();
    }

    private void acquireConnection() {
        connectRetries.attempting();
        UpstreamConnections connections = upstream.connections();
        Future<Channel> acquired = connections.acquire(client.channel().eventLoop());
        acquired.addListener(f -> {
            if (!f.isSuccess()) {
                onAcquireFailed(f.cause());
            } else if (state == State.DONE) {
                connections.release(acquired.getNow());
            } else {
                send(acquired.getNow());
            }
        });
    }

    /**
     * Nothing was sent: a refused, reset or timed-out connect is tried again on a fresh connection,
     * a few times and within the request's max wait, keeping the ticket (its slot is reserved, not
     * yet counted).
     */
    private void onAcquireFailed(Throwable cause) {
        if (state == State.DONE) {
            return;
        }
        long pause = connectRetries.pauseBeforeRetry(upstream.name(), cause, remainingWaitNanos());
        if (pause >= 0) {
            client.executor().schedule(() -> {
                if (state == State.ADMITTING) {
                    acquireConnection();
                }
            }, pause, TimeUnit.NANOSECONDS);
            return;
        }
        giveBack(false);
        fail(ProxyError.upstreamUnreachable(upstream.name(), cause));
    }

    // ---- 4. send -------------------------------------------------------------------------------

    private void send(Channel connection) {
        this.connection = connection;
        this.state = State.SENDING;
        // The limiter counts the request from its write if this connection has answered before (it
        // then delivers within network latency); on a fresh one from its answer, since a handshake
        // or relay the proxy cannot see may still hold it.
        Ticket sending = ticket;
        boolean deliversPromptly = UpstreamRelayHandler.hasAnswered(connection);
        UpstreamRelayHandler.bind(connection, this);
        String secret = lease != null ? lease.secret() : null;
        HttpRequest outgoing = RequestRewriter.rewrite(request, route, RequestRewriter.clientAddress(client.channel()), secret,
                body.replayableCopy(), body.isStreamed(), body.isChunked());
        connection.write(outgoing).addListener(f -> {
            if (!f.isSuccess() && this.connection == connection) {
                onUpstreamFailure(f.cause());
            }
        });
        body.streamTo(connection);
        connection.flush();
        if (deliversPromptly) {
            sending.sent(); // ignored if the write already failed and gave the ticket back
        }
        upstream.connections().wroteAfter(runtime.clock().nanoTime() - ticketGrantedAtNanos);
        connection.read();
        restartResponseTimer();
    }

    /**
     * The upstream accepted more of the request body. {@code responseTimeout} counts from the last
     * progress, so a long upload does not eat into the time the upstream has to answer, while an
     * upstream that stops reading still times out.
     */
    void requestProgress() {
        restartResponseTimer();
    }

    private void restartResponseTimer() {
        if (state != State.SENDING) {
            return;
        }
        cancelResponseTimer();
        responseTimer = client.executor().schedule(this::onResponseTimeout,
                upstream.responseTimeoutNanos(), TimeUnit.NANOSECONDS);
    }

    // ---- 5. response head: feedback first, then retry or relay ---------------------------------

    @Override
    public void onResponse(HttpResponse response) {
        if (state != State.SENDING) {
            return;
        }
        cancelResponseTimer();
        RateLimitObservation observation = observe(response);
        ticket.complete(observation);
        if (lease != null) {
            lease.release(response.status().code(), observation);
        }
        // A throttled answer, or a 401 for a token the proxy chose, is about that token, not about
        // the client's request: try another token when the request can be sent again.
        int status = response.status().code();
        boolean canResend = attempts < upstream.maxAttempts() && body.isReplayable() && remainingWaitNanos() > 0;
        if (tokenRetries.shouldRetry(upstream.tokens(), lease, status, observation, canResend)) {
            log.info("upstream '{}' {} token {}; retrying with another token", upstream.name(),
                    status == 401 ? "rejected (401)" : "throttled", lease.fingerprint());
            retry();
            return;
        }
        state = State.RELAYING;
        responseKeepAlive = HttpUtil.isKeepAlive(response);
        client.writeAndFlush(ResponseRewriter.relayHead(response, request.method(), clientKeepAlive))
                .addListener(writeThenReadUpstream(false));
    }

    private RateLimitObservation observe(HttpResponse response) {
        UpstreamResponse view = new UpstreamResponse(response.status().code(),
                new NettyResponseHeaders(response.headers()));
        return upstream.dialect().parse(view, runtime.clock().wallMillis());
    }

    private void retry() {
        dropConnection();
        ticket = null; // completed and released with the throttled answer: nothing to give back

        lease = null;
        state = State.ADMITTING;
        admit();
    }

    // ---- 6. relay the body, reading upstream only as fast as the client takes it ---------------

    @Override
    public void onContent(HttpContent content) {
        if (state != State.RELAYING) {
            content.release();
            return;
        }
        boolean last = content instanceof LastHttpContent;
        client.writeAndFlush(content).addListener(writeThenReadUpstream(last));
    }

    private ChannelFutureListener writeThenReadUpstream(boolean last) {
        return f -> {
            if (!f.isSuccess()) {
                abortMidResponse();
            } else if (last) {
                complete();
            } else if (connection != null) {
                connection.read();
            }
        };
    }

    private void complete() {
        if (responseKeepAlive && body.fullySent()) {
            upstream.connections().release(detachConnection());
        } else {
            dropConnection();
        }
        finish(clientKeepAlive);
    }

    // ---- failures ------------------------------------------------------------------------------

    @Override
    public void onUpstreamFailure(Throwable cause) {
        if (state == State.SENDING) {
            cancelResponseTimer();
            dropConnection();
            giveBack(true);
            if (!resentAfterStaleConnection && RequestRewriter.isIdempotent(request.method()) && body.isReplayable()
                    && remainingWaitNanos() > 0) {
                // A pooled keep-alive connection the upstream had already closed: send once more.
                resentAfterStaleConnection = true;
                state = State.ADMITTING;
                admit();
                return;
            }
            fail(ProxyError.upstreamUnreachable(upstream.name(), cause));
        } else if (state == State.RELAYING) {
            abortMidResponse();
        }
    }

    private void onResponseTimeout() {
        if (state != State.SENDING) {
            return;
        }
        dropConnection();
        giveBack(true);
        fail(ProxyError.upstreamTimeout(upstream.name(), "no response within "
                + TimeUnit.NANOSECONDS.toMillis(upstream.responseTimeoutNanos()) + " ms"));
    }

    /** The client went away: withdraw from every queue, give back what is held. */
    void clientGone() {
        if (state == State.DONE) {
            return;
        }
        boolean sent = state != State.ADMITTING;
        state = State.DONE;
        cancelResponseTimer();
        giveBack(sent);
        dropConnection();
        body.discard();
    }

    private void abortMidResponse() {
        if (state == State.DONE) {
            return;
        }
        dropConnection();
        state = State.DONE;
        body.discard();
        client.close();
    }

    /** Answers with the proxy's own JSON error; the exchange is over. */
    void fail(ProxyError error) {
        if (state == State.DONE) {
            return;
        }
        state = State.DONE;
        cancelResponseTimer();
        // A body still arriving is skipped by the connection if it is the rest of a small one; a
        // streamed body may be huge, so then the connection closes instead.
        boolean keepAlive = clientKeepAlive && (body.fullyReceived() || !body.isStreamed());
        body.discard();
        client.writeAndFlush(error.toResponse(client.alloc(), keepAlive))
                .addListener(f -> listener.exchangeDone(keepAlive && f.isSuccess()));
    }

    private void finish(boolean keepAlive) {
        state = State.DONE;
        body.discard();
        listener.exchangeDone(keepAlive && body.fullyReceived());
    }

    // ---- plumbing ------------------------------------------------------------------------------

    /**
     * Waits for a token or ticket without blocking: the continuation runs on this exchange's event
     * loop. A result that arrives after the exchange ended is given back with {@code giveBack}.
     */
    private <T> void await(CompletableFuture<T> future, java.util.function.Consumer<T> next,
                           java.util.function.Consumer<T> giveBack) {
        waiting = future;
        future.whenComplete((value, error) -> onLoop(() -> {
            if (waiting == future) {
                waiting = null;
            }
            if (state == State.DONE) {
                if (value != null) {
                    giveBack.accept(value);
                }
            } else if (error != null) {
                refuse(unwrap(error));
            } else {
                next.accept(value);
            }
        }));
    }

    private void refuse(Throwable error) {
        abandonLease();
        if (error instanceof RetryLaterException later) {
            fail(ProxyError.rateLimited(later.getMessage(), later.retryAfterNanos()));
        } else if (!(error instanceof CancellationException)) {
            log.warn("admission failed for upstream '{}'", upstream.name(), error);
            fail(ProxyError.unavailable("could not admit the request: " + error.getClass().getSimpleName()));
        }
    }

    private void onLoop(Runnable task) {
        if (client.executor().inEventLoop()) {
            task.run();
        } else {
            client.executor().execute(task);
        }
    }

    private Channel detachConnection() {
        Channel used = connection;
        connection = null;
        if (used != null) {
            UpstreamRelayHandler.unbind(used);
        }
        return used;
    }

    /**
     * Gives back everything admission holds: a pending token or ticket wait is withdrawn, a ticket is
     * abandoned ({@code maybeSent}: whether the request may have reached the upstream), the token
     * returned.
     */
    private void giveBack(boolean maybeSent) {
        if (waiting != null) {
            CompletableFuture<?> pending = waiting;
            waiting = null;
            pending.cancel(false);
        }
        if (ticket != null) {
            ticket.abandon(maybeSent);
            ticket = null;
        }
        abandonLease();
    }

    /** Closes the upstream connection in use, if any: it cannot be reused mid-exchange. */
    private void dropConnection() {
        Channel used = detachConnection();
        if (used != null) {
            upstream.connections().discard(used);
        }
    }

    private void abandonLease() {
        if (lease != null) {
            lease.abandon();
            lease = null;
        }
    }

    private void cancelResponseTimer() {
        if (responseTimer != null) {
            responseTimer.cancel(false);
            responseTimer = null;
        }
    }

    private long remainingWaitNanos() {
        return Math.max(0, deadlineNanos - runtime.clock().nanoTime());
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    /** The client sent more than {@code server.maxRequestBody}. */
    void bodyTooLarge() {
        if (state == State.ADMITTING) {
            giveBack(false);
            fail(ProxyError.bodyTooLarge(runtime.maxRequestBodyBytes()));
        } else {
            if (state == State.SENDING) {
                giveBack(true);
            }
            abortMidResponse();
        }
    }
}
