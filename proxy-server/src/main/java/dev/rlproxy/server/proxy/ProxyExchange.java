package dev.rlproxy.server.proxy;

import dev.rlproxy.core.config.QuotaMetric;
import dev.rlproxy.core.headers.RateLimitObservation;
import dev.rlproxy.core.headers.UpstreamResponse;
import dev.rlproxy.core.limit.Ticket;
import dev.rlproxy.core.tokens.TokenLease;
import dev.rlproxy.core.usage.UsageTap;
import dev.rlproxy.server.upstream.MalformedResponseException;
import dev.rlproxy.server.upstream.StreamResetException;
import dev.rlproxy.server.upstream.UpstreamChannels;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * One client request's journey, top to bottom:
 * token → tickets → pooled connection → send → response head → feedback into limiter and pool
 * (before relaying) → maybe retry with another token → relay → release.
 *
 * <p>Read it in order: {@link #start} hands steps 1–3 (token, tickets, connection) to
 * {@link ExchangeAdmission}, which queues without blocking and ends in {@link #send}; steps 4–6
 * (send, response head, relay) and every failure follow here. The exchange is always in exactly one
 * {@link ExchangeState}, changed only through {@link #moveTo}, which checks the transition:
 * <pre>
 * AWAITING_BODY → AWAITING_TOKEN → AWAITING_TICKET → AWAITING_CONNECTION → SENDING → RELAYING → DONE
 *                        ↑                                                    │
 *                        └────────────────────────────────────────────────────┘
 *                          another token after a throttled answer; once more after a stale pooled connection
 * </pre>
 * Any state may end in {@code DONE}. Until {@code SENDING} nothing reached the upstream, so giving
 * back the ticket on a failure or a client that leaves returns its slot ({@code maybeSent=false});
 * from {@code SENDING} on the request may have been counted upstream, so the slot stays spent.
 *
 * <p>Everything runs on the client channel's event loop; futures completed elsewhere (limiter,
 * token pool) hop back onto it. Nothing blocks. The request body arrives separately through
 * {@link RequestBody}; the client connection reads more only when this exchange asks.
 */
final class ProxyExchange implements UpstreamListener {

    private static final Logger log = LoggerFactory.getLogger(ProxyExchange.class);

    static final String REQUEST_ID_HEADER = "X-Request-Id";

    private final ChannelHandlerContext client;
    private final ProxyRuntime runtime;
    private final HttpRequest request;
    private final Route route;
    private final Upstream upstream;
    private final UpstreamChannels channels;
    private final RequestBody body;
    private final ExchangeListener listener;
    private final boolean clientKeepAlive;
    private final long deadlineNanos;
    /**
     * Ties the client's error answer ({@code X-Request-Id}) to the log line that has the cause. Made
     * on first use: only failures need one.
     */
    private String requestId;
    private final ExchangeRecorder recorder;
    private final ExchangeAdmission admission;

    private ExchangeState state = ExchangeState.AWAITING_BODY;
    private boolean resentAfterStaleConnection;
    private Channel connection;
    private boolean responseKeepAlive;
    /** Rewrites the upstream's URLs in a JSON body ({@code rewriteBodyUrls}); null: relayed as it is. */
    private BodyUrlRewriter bodyRewriter;
    /** Where the response body's bytes count for the upstream's ingress quotas. */
    private UsageTap receivedBytes = UsageTap.NONE;

    ProxyExchange(ChannelHandlerContext client, ProxyRuntime runtime, HttpRequest request, Route route,
                  UpstreamChannels channels, RequestBody body, ExchangeListener listener) {
        this.client = client;
        this.runtime = runtime;
        this.request = request;
        this.route = route;
        this.upstream = route.upstream();
        this.channels = channels;
        this.body = body;
        this.listener = listener;
        this.clientKeepAlive = HttpUtil.isKeepAlive(request);
        this.deadlineNanos = runtime.clock().nanoTime() + runtime.maxWaitNanos();
        this.recorder = new ExchangeRecorder(runtime.metrics(), runtime.clock(), upstream.name(), route.label(),
                request.method().name(), request.uri());
        this.admission = new ExchangeAdmission(this, client, runtime, request, route, channels, recorder);
    }

    /** The upstream this exchange goes to, as it was when the exchange began. */
    Upstream upstream() {
        return upstream;
    }

    /** Starts admission now, or once a buffered body has fully arrived. */
    void start() {
        if (!body.mustArriveBeforeSending()) {
            admission.begin();
        }
    }

    /** A buffered body is complete: admission may begin. */
    void bodyComplete() {
        if (state == ExchangeState.AWAITING_BODY) {
            admission.begin();
        }
    }

    // ---- 1.–3. token, tickets, connection: ExchangeAdmission -----------------------------------

    // ---- 4. send -------------------------------------------------------------------------------

    /** Admission is through: the request goes out on {@code connection}. */
    void send(Channel connection) {
        moveTo(ExchangeState.SENDING);
        this.connection = connection;
        // The limiter counts the request from its write if this connection has answered before (it
        // then delivers within network latency); on a fresh one from its answer, since a handshake
        // or relay the proxy cannot see may still hold it.
        Ticket sending = admission.ticket();
        boolean deliversPromptly = UpstreamRelayHandler.hasAnswered(connection);
        UpstreamRelayHandler.bind(connection, this);
        TokenLease lease = admission.lease();
        String secret = lease != null ? lease.secret() : null;
        HttpRequest outgoing = RequestRewriter.rewrite(request, route, RequestRewriter.clientAddress(client.channel()), secret,
                body.replayableCopy(), body.isStreamed(), body.isChunked());
        UsageTap sentBytes = upstream.quotas().tap(QuotaMetric.EGRESS_BYTES, admission.fingerprint());
        long bufferedBytes = body.isStreamed() ? 0 : body.receivedBytes();
        connection.write(outgoing).addListener(f -> {
            if (f.isSuccess()) {
                sentBytes.add(bufferedBytes);
            } else if (this.connection == connection) {
                onUpstreamFailure(f.cause());
            }
        });
        body.streamTo(connection, sentBytes);
        connection.flush();
        if (deliversPromptly) {
            sending.sent(); // ignored if the write already failed and gave the ticket back
        }
        long sentNanos = runtime.clock().nanoTime();
        runtime.metrics().grantToWrite(upstream.name(), sentNanos - admission.ticketGrantedAtNanos());
        connection.read();
        recorder.sent(sentNanos);
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
        if (state != ExchangeState.SENDING) {
            return;
        }
        listener.awaitResponse(upstream.responseTimeoutNanos());
    }

    // ---- 5. response head: feedback first, then retry or relay ---------------------------------

    @Override
    public void onResponse(HttpResponse response) {
        if (state != ExchangeState.SENDING) {
            return;
        }
        cancelResponseTimer();
        int status = response.status().code();
        RateLimitObservation observation = observe(response);
        admission.answered(status, observation);
        recorder.responseHead(status, observation.throttled() || status == 429);
        if (admission.shouldTryAnotherToken(status, observation, body.isReplayable())) {
            log.info("upstream '{}' {} token {}; retrying with another token", upstream.name(),
                    status == 401 ? "rejected (401)" : "throttled", admission.lease().fingerprint());
            recorder.retried();
            dropConnection();
            admission.tryAnotherToken();
            return;
        }
        moveTo(ExchangeState.RELAYING);
        receivedBytes = upstream.quotas().tap(QuotaMetric.INGRESS_BYTES, admission.fingerprint());
        responseKeepAlive = HttpUtil.isKeepAlive(response);
        // The client's view of the upstream's URLs, built only when a header or the body may carry one.
        ProxyUrls urls = upstream.rewriteBodyUrls() || ResponseRewriter.carriesUrls(response.headers())
                ? ProxyUrls.forRequest(route, request.headers().get(HttpHeaderNames.HOST)) : null;
        bodyRewriter = ResponseRewriter.bodyRewriter(upstream, response, request.method(), urls);
        // Written now, flushed when the upstream read that delivered it is done (onReadComplete): a
        // small response's head and body then leave in one write to the client instead of two.
        client.write(ResponseRewriter.relayHead(response, request.method(), clientKeepAlive, urls,
                        bodyRewriter != null))
                .addListener(writeThenReadUpstream(false));
    }

    private RateLimitObservation observe(HttpResponse response) {
        UpstreamResponse view = new UpstreamResponse(response.status().code(),
                new NettyResponseHeaders(response.headers()));
        return upstream.dialect().parse(view, runtime.clock().wallMillis());
    }

    // ---- 6. relay the body, reading upstream only as fast as the client takes it ---------------

    @Override
    public void onContent(HttpContent content) {
        if (state != ExchangeState.RELAYING) {
            content.release();
            return;
        }
        boolean last = content instanceof LastHttpContent;
        int bytes = content.content().readableBytes();
        recorder.relayed(bytes);
        receivedBytes.add(bytes);
        client.write(bodyRewriter == null ? content : bodyRewriter.rewrite(content, client.alloc())).addListener(writeThenReadUpstream(last));
    }

    @Override
    public void onReadComplete() {
        if (state == ExchangeState.RELAYING) {
            client.flush();
        }
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
        admission.releaseTicket();
        if (responseKeepAlive && body.fullySent()) {
            channels.release(detachConnection());
        } else {
            dropConnection();
        }
        recorder.upstreamAnswered(body.receivedBytes());
        finish(clientKeepAlive);
    }

    // ---- failures ------------------------------------------------------------------------------

    @Override
    public void onUpstreamFailure(Throwable cause) {
        if (state == ExchangeState.SENDING) {
            // Resent only when a keep-alive connection that had waited in the pool failed before any
            // response byte: the upstream closed it while idle and most likely never saw the request.
            // Never after a malformed answer or an HTTP/2 stream reset (the upstream did see the
            // request) or on a fresh connection; always when HTTP/2 says the request was not processed.
            boolean unprocessed = cause instanceof StreamResetException reset && reset.unprocessed();
            boolean stale = unprocessed || connection != null && UpstreamConnections.waitedInPool(connection)
                    && !(cause instanceof MalformedResponseException) && !(cause instanceof StreamResetException);
            cancelResponseTimer();
            dropConnection();
            admission.giveBack(true);
            if (stale && !resentAfterStaleConnection && RequestRewriter.isIdempotent(request.method())
                    && body.isReplayable() && remainingWaitNanos() > 0) {
                log.debug("request {}: pooled connection to upstream '{}' was stale ({}); sending once more",
                        requestId(), upstream.name(), cause.toString());
                resentAfterStaleConnection = true;
                admission.begin();
                return;
            }
            log.warn("request {}: upstream '{}' failed: {}", requestId(), upstream.name(), cause.toString());
            fail(ProxyError.upstreamUnreachable(upstream.name(), cause));
        } else if (state == ExchangeState.RELAYING) {
            log.warn("request {}: upstream '{}' failed mid-response: {}", requestId(), upstream.name(), cause.toString());
            abortMidResponse();
        }
    }

    /** {@code responseTimeout} passed since the request last made progress, with no response head. */
    void responseTimedOut() {
        if (state != ExchangeState.SENDING) {
            return;
        }
        dropConnection();
        admission.giveBack(true);
        log.warn("request {}: upstream '{}' sent no response head within {} ms", requestId(), upstream.name(),
                TimeUnit.NANOSECONDS.toMillis(upstream.responseTimeoutNanos()));
        fail(ProxyError.upstreamTimeout(upstream.name(), "no response within "
                + TimeUnit.NANOSECONDS.toMillis(upstream.responseTimeoutNanos()) + " ms"));
    }

    /** The client went away: withdraw from every queue, give back what is held. */
    void clientGone() {
        if (state == ExchangeState.DONE) {
            return;
        }
        boolean maybeSent = !state.admitting();
        moveTo(ExchangeState.DONE);
        recorder.clientClosed(body.receivedBytes());
        cancelResponseTimer();
        admission.giveBack(maybeSent);
        dropConnection();
        body.discard();
    }

    private void abortMidResponse() {
        if (state == ExchangeState.DONE) {
            return;
        }
        dropConnection();
        admission.releaseTicket();
        moveTo(ExchangeState.DONE);
        recorder.upstreamAnswered(body.receivedBytes());
        body.discard();
        client.close();
    }

    /** Answers with the proxy's own JSON error; the exchange is over. */
    void fail(ProxyError error) {
        if (state == ExchangeState.DONE) {
            return;
        }
        moveTo(ExchangeState.DONE);
        cancelResponseTimer();
        recorder.proxyAnswered(error, body.receivedBytes());
        // A body still arriving is skipped by the connection if it is the rest of a small one; a
        // streamed body may be huge, so then the connection closes instead.
        boolean keepAlive = clientKeepAlive && !body.wasRejected() && (body.fullyReceived() || !body.isStreamed());
        body.discard();
        FullHttpResponse answer = error.toResponse(client.alloc(), keepAlive);
        answer.headers().set(REQUEST_ID_HEADER, requestId());
        client.writeAndFlush(answer)
                .addListener(f -> listener.exchangeDone(keepAlive && f.isSuccess()));
    }

    private void finish(boolean keepAlive) {
        moveTo(ExchangeState.DONE);
        body.discard();
        listener.exchangeDone(keepAlive && body.fullyReceived());
    }

    /**
     * Graceful shutdown: a request still waiting for admission gets the proxy's 503 now; one already
     * sent finishes. On the exchange's loop.
     */
    void shutdown() {
        if (state.admitting()) {
            admission.giveBack(false);
            fail(ProxyError.shuttingDown());
        }
    }

    /**
     * The request body failed (malformed chunk, over {@code server.maxRequestBody}, too slow): the
     * upstream connection closes mid-body, so the upstream never sees a complete request, and the
     * client gets {@code error} unless a response is already on its way.
     */
    void bodyRejected(ProxyError error) {
        if (state == ExchangeState.RELAYING) {
            abortMidResponse();
            return;
        }
        boolean maybeSent = state == ExchangeState.SENDING;
        cancelResponseTimer();
        dropConnection();
        admission.giveBack(maybeSent);
        fail(error);
    }

    // ---- plumbing ------------------------------------------------------------------------------

    ExchangeState state() {
        return state;
    }

    /** Every change of state goes through here. */
    void moveTo(ExchangeState next) {
        assert state.canBecome(next) : "exchange " + requestId() + ": " + state + " -> " + next;
        state = next;
    }

    String requestId() {
        if (requestId == null) {
            requestId = UpstreamFailures.newRequestId();
        }
        return requestId;
    }

    /** What is left of {@code queue.maxWait} for this request. */
    long remainingWaitNanos() {
        return Math.max(0, deadlineNanos - runtime.clock().nanoTime());
    }

    /** Runs {@code task} on this exchange's event loop. */
    void onLoop(Runnable task) {
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

    /** Closes the upstream connection in use, if any: it cannot be reused mid-exchange. */
    private void dropConnection() {
        Channel used = detachConnection();
        if (used != null) {
            channels.discard(used);
        }
    }

    private void cancelResponseTimer() {
        listener.responseArrived();
    }
}
