package dev.rlproxy.server.proxy;

import dev.rlproxy.core.headers.RateLimitObservation;
import dev.rlproxy.core.headers.UpstreamResponse;
import dev.rlproxy.core.limit.Ticket;
import dev.rlproxy.core.limit.RetryLaterException;
import dev.rlproxy.core.tokens.TokenLease;
import dev.rlproxy.server.upstream.MalformedResponseException;
import dev.rlproxy.server.upstream.UpstreamConnections;
import dev.rlproxy.server.upstream.UpstreamListener;
import dev.rlproxy.server.upstream.UpstreamRelayHandler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
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

    static final String REQUEST_ID_HEADER = "X-Request-Id";

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
    /** Ties the client's error answer ({@code X-Request-Id}) to the log line that has the cause. */
    private final String requestId = UpstreamFailures.newRequestId();
    private final ExchangeRecorder recorder;
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
    /** Rewrites the upstream's URLs in a JSON body ({@code rewriteBodyUrls}); null: relayed as it is. */
    private BodyUrlRewriter bodyRewriter;

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
        this.recorder = new ExchangeRecorder(runtime.metrics(), runtime.clock(), upstream.name(), route.label(),
                request.method().name(), request.uri());
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
        await(checkout, this::onToken, lease -> lease.abandon(false));
    }

    // ---- 2. tickets in every bucket ------------------------------------------------------------

    private void onToken(TokenLease lease) {
        this.lease = lease;
        if (lease != null) {
            recorder.tokenCheckedOut(lease.fingerprint());
        }
        String fingerprint = lease != null ? lease.fingerprint() : upstream.clientCredentialFingerprint(request.headers());
        CompletableFuture<Ticket> tickets = runtime.limiter().acquire(
                upstream.ticketRequest(routeKey, fingerprint, request.headers(), remainingWaitNanos()));
        await(tickets, this::onTicket, ticket -> ticket.abandon(false));
    }

    // ---- 3. a pooled connection ----------------------------------------------------------------

    private void onTicket(Ticket ticket) {
        this.ticket = ticket;
        recorder.admitted();
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
        log.warn("request {}: no connection to upstream '{}': {}", requestId, upstream.name(), cause.toString());
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
        recorder.sent();
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
        if (response.status().code() == 304) {
            ticket.completeNotModified(observation); // uncounted by GitHub: its headers, not a count, decide
        } else {
            ticket.complete(observation);
        }
        recorder.responseHead(response.status().code(), observation.throttled() || response.status().code() == 429);
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
            recorder.retried();
            retry();
            return;
        }
        state = State.RELAYING;
        responseKeepAlive = HttpUtil.isKeepAlive(response);
        ProxyUrls urls = ProxyUrls.forRequest(route, request.headers().get(HttpHeaderNames.HOST));
        bodyRewriter = ResponseRewriter.bodyRewriter(upstream, response, request.method(), urls);
        client.writeAndFlush(ResponseRewriter.relayHead(response, request.method(), clientKeepAlive, urls,
                        bodyRewriter != null))
                .addListener(writeThenReadUpstream(false));
    }

    private RateLimitObservation observe(HttpResponse response) {
        UpstreamResponse view = new UpstreamResponse(response.status().code(),
                new NettyResponseHeaders(response.headers()));
        return upstream.dialect().parse(view, runtime.clock().wallMillis());
    }

    private void retry() {
        dropConnection();
        releaseTicket(); // completed with the throttled answer: only its in-flight slots are left

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
        recorder.relayed(content.content().readableBytes());
        client.writeAndFlush(bodyRewriter == null ? content : bodyRewriter.rewrite(content, client.alloc())).addListener(writeThenReadUpstream(last));
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
        releaseTicket();
        if (responseKeepAlive && body.fullySent()) {
            upstream.connections().release(detachConnection());
        } else {
            dropConnection();
        }
        recorder.upstreamAnswered(body.receivedBytes());
        finish(clientKeepAlive);
    }

    // ---- failures ------------------------------------------------------------------------------

    @Override
    public void onUpstreamFailure(Throwable cause) {
        if (state == State.SENDING) {
            // Resent only when a keep-alive connection that had waited in the pool failed before any
            // response byte: the upstream closed it while idle and most likely never saw the request.
            // Never after a malformed answer (the upstream did see the request) or on a fresh connection.
            boolean stale = connection != null && UpstreamConnections.waitedInPool(connection)
                    && !(cause instanceof MalformedResponseException);
            cancelResponseTimer();
            dropConnection();
            giveBack(true);
            if (stale && !resentAfterStaleConnection && RequestRewriter.isIdempotent(request.method())
                    && body.isReplayable() && remainingWaitNanos() > 0) {
                log.debug("request {}: pooled connection to upstream '{}' was stale ({}); sending once more",
                        requestId, upstream.name(), cause.toString());
                resentAfterStaleConnection = true;
                state = State.ADMITTING;
                admit();
                return;
            }
            log.warn("request {}: upstream '{}' failed: {}", requestId, upstream.name(), cause.toString());
            fail(ProxyError.upstreamUnreachable(upstream.name(), cause));
        } else if (state == State.RELAYING) {
            log.warn("request {}: upstream '{}' failed mid-response: {}", requestId, upstream.name(), cause.toString());
            abortMidResponse();
        }
    }

    private void onResponseTimeout() {
        if (state != State.SENDING) {
            return;
        }
        dropConnection();
        giveBack(true);
        log.warn("request {}: upstream '{}' sent no response head within {} ms", requestId, upstream.name(),
                TimeUnit.NANOSECONDS.toMillis(upstream.responseTimeoutNanos()));
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
        recorder.clientClosed(body.receivedBytes());
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
        releaseTicket();
        state = State.DONE;
        recorder.upstreamAnswered(body.receivedBytes());
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
        recorder.proxyAnswered(error, body.receivedBytes());
        // A body still arriving is skipped by the connection if it is the rest of a small one; a
        // streamed body may be huge, so then the connection closes instead.
        boolean keepAlive = clientKeepAlive && !body.wasRejected() && (body.fullyReceived() || !body.isStreamed());
        body.discard();
        FullHttpResponse answer = error.toResponse(client.alloc(), keepAlive);
        answer.headers().set(REQUEST_ID_HEADER, requestId);
        client.writeAndFlush(answer)
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
        abandonLease(false); // refused by the proxy: never sent with this token
        recorder.refusedBecause(error);
        if (error instanceof RetryLaterException later) {
            fail(ProxyError.rateLimited(later.getMessage(), later.retryAfterNanos()));
        } else if (!(error instanceof CancellationException)) {
            log.warn("request {}: admission failed for upstream '{}'", requestId, upstream.name(), error);
            fail(ProxyError.unavailable("could not admit the request"));
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
        abandonLease(maybeSent);
    }

    /** The exchange is done with its ticket: in-flight caps get their slot back. */
    private void releaseTicket() {
        if (ticket != null) {
            ticket.release();
            ticket = null;
        }
    }

    /** Closes the upstream connection in use, if any: it cannot be reused mid-exchange. */
    private void dropConnection() {
        Channel used = detachConnection();
        if (used != null) {
            upstream.connections().discard(used);
        }
    }

    private void abandonLease(boolean maybeSent) {
        if (lease != null) {
            lease.abandon(maybeSent);
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

    /** Graceful shutdown: a request still waiting for admission gets the proxy's 503 now; one already sent finishes. */
    void shutdown() {
        onLoop(() -> {
            if (state == State.ADMITTING) {
                giveBack(false);
                fail(ProxyError.shuttingDown());
            }
        });
    }

    /**
     * The request body failed (malformed chunk, over {@code server.maxRequestBody}, too slow): the
     * upstream connection closes mid-body, so the upstream never sees a complete request, and the
     * client gets {@code error} unless a response is already on its way.
     */
    void bodyRejected(ProxyError error) {
        if (state == State.RELAYING) {
            abortMidResponse();
            return;
        }
        boolean maybeSent = state == State.SENDING;
        cancelResponseTimer();
        dropConnection();
        giveBack(maybeSent);
        fail(error);
    }
}
