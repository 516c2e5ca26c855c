package dev.rlproxy.server.proxy;

import dev.rlproxy.core.headers.RateLimitObservation;
import dev.rlproxy.core.limit.RetryLaterException;
import dev.rlproxy.core.limit.Ticket;
import dev.rlproxy.core.limit.TicketRefusedException;
import dev.rlproxy.core.tokens.TokenLease;
import dev.rlproxy.core.usage.QuotaReservation;
import dev.rlproxy.core.usage.QuotaSpentException;
import dev.rlproxy.server.upstream.UpstreamChannels;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The admission half of a {@link ProxyExchange}, steps 1 to 3 of its path: a token from the pool,
 * then a ticket in every bucket, then a pooled connection, which it hands to
 * {@link ProxyExchange#send}. Each wait queues without blocking and is withdrawn when the exchange
 * ends. It moves the exchange through {@code AWAITING_TOKEN → AWAITING_TICKET → AWAITING_CONNECTION}
 * and holds the lease and the ticket until the exchange reports the answer ({@link #answered}) or
 * gives them back ({@link #releaseTicket}, {@link #giveBack}). A refusal ends in
 * {@link ProxyExchange#fail}. Used on the exchange's event loop only.
 */
final class ExchangeAdmission {

    /** The request path logs under one name, whichever half of the exchange speaks. */
    private static final Logger log = LoggerFactory.getLogger(ProxyExchange.class);

    private final ProxyExchange exchange;
    private final ChannelHandlerContext client;
    private final ProxyRuntime runtime;
    private final HttpRequest request;
    private final Route route;
    private final Upstream upstream;
    private final UpstreamChannels channels;
    private final ExchangeRecorder recorder;
    private final String routeKey;
    private final TokenRetries tokenRetries = new TokenRetries();
    private final ConnectRetries connectRetries = new ConnectRetries();

    private int attempts;
    private long ticketGrantedAtNanos;
    /** The token or ticket wait in progress, withdrawn by {@link #giveBack}. */
    private CompletableFuture<?> waiting;
    private TokenLease lease;
    /** Whose quota and bytes the request counts against: the pooled token's or the client's credential's fingerprint. */
    private String fingerprint;
    /** The request as counted by the upstream's request quotas, until it is sent or given back. */
    private QuotaReservation reservation;
    private Ticket ticket;

    ExchangeAdmission(ProxyExchange exchange, ChannelHandlerContext client, ProxyRuntime runtime, HttpRequest request,
                      Route route, UpstreamChannels channels, ExchangeRecorder recorder) {
        this.exchange = exchange;
        this.client = client;
        this.runtime = runtime;
        this.request = request;
        this.route = route;
        this.upstream = route.upstream();
        this.channels = channels;
        this.recorder = recorder;
        this.routeKey = RouteKeys.of(request.method().name(), route.upstreamPath(request.uri()));
    }

    // ---- 1. a token ----------------------------------------------------------------------------

    /** Starts an attempt: from the token on. */
    void begin() {
        attempts++;
        exchange.moveTo(ExchangeState.AWAITING_TOKEN);
        if (upstream.tokens() == null || route.passthrough()) {
            onToken(null);
            return;
        }
        CompletableFuture<TokenLease> checkout = upstream.tokens().checkout(exchange.remainingWaitNanos(),
                tokenRetries.tried());
        await(ExchangeState.AWAITING_TOKEN, checkout, this::onToken, lease -> lease.abandon(false));
    }

    // ---- 2. tickets in every bucket ------------------------------------------------------------

    private void onToken(TokenLease lease) {
        exchange.moveTo(ExchangeState.AWAITING_TICKET);
        this.lease = lease;
        if (lease != null) {
            recorder.tokenCheckedOut(lease.fingerprint());
        }
        fingerprint = lease != null ? lease.fingerprint() : upstream.clientCredentialFingerprint(request.headers());
        // Quotas first: a spent quota answers at once, without waiting for a ticket it would not use.
        CompletableFuture<QuotaReservation> quota = upstream.quotas().admit(fingerprint,
                HttpUtil.getContentLength(request, 0L));
        await(ExchangeState.AWAITING_TICKET, quota, this::onQuota, QuotaReservation::cancel);
    }

    private void onQuota(QuotaReservation reservation) {
        this.reservation = reservation;
        CompletableFuture<Ticket> tickets = runtime.limiter().acquire(
                upstream.ticketRequest(routeKey, fingerprint, request.headers(), exchange.remainingWaitNanos()));
        await(ExchangeState.AWAITING_TICKET, tickets, this::onTicket, ticket -> ticket.abandon(false));
    }

    // ---- 3. a pooled connection ----------------------------------------------------------------

    private void onTicket(Ticket ticket) {
        exchange.moveTo(ExchangeState.AWAITING_CONNECTION);
        this.ticket = ticket;
        this.ticketGrantedAtNanos = runtime.clock().nanoTime();
        recorder.admitted(ticketGrantedAtNanos);
        connectRetries.reset();
        acquireConnection();
    }

    private void acquireConnection() {
        connectRetries.attempting();
        Future<Channel> acquired = channels.acquire(client.channel().eventLoop());
        acquired.addListener(f -> {
            if (!f.isSuccess()) {
                onAcquireFailed(f.cause());
            } else if (exchange.state() != ExchangeState.AWAITING_CONNECTION) {
                channels.release(acquired.getNow()); // the exchange ended meanwhile
            } else {
                exchange.send(acquired.getNow());
            }
        });
    }

    /**
     * Nothing was sent: a refused, reset or timed-out connect is tried again on a fresh connection,
     * a few times and within the request's max wait, keeping the ticket (its slot is reserved, not
     * yet counted).
     */
    private void onAcquireFailed(Throwable cause) {
        if (exchange.state() != ExchangeState.AWAITING_CONNECTION) {
            return;
        }
        long pause = connectRetries.pauseBeforeRetry(upstream.name(), cause, exchange.remainingWaitNanos());
        if (pause >= 0) {
            client.executor().schedule(() -> {
                if (exchange.state() == ExchangeState.AWAITING_CONNECTION) {
                    acquireConnection();
                }
            }, pause, TimeUnit.NANOSECONDS);
            return;
        }
        giveBack(false);
        log.warn("request {}: no connection to upstream '{}': {}", exchange.requestId(), upstream.name(), cause.toString());
        exchange.fail(ProxyError.upstreamUnreachable(upstream.name(), cause));
    }

    // ---- what the exchange reports back --------------------------------------------------------

    /** The fingerprint quotas and bytes are counted under, or {@code null} (no pool, no client credential). */
    String fingerprint() {
        return fingerprint;
    }

    /** The token the request goes with, or {@code null} (passthrough, no pool). */
    TokenLease lease() {
        return lease;
    }

    /** The ticket, held from {@code AWAITING_CONNECTION} until released or given back. */
    Ticket ticket() {
        return ticket;
    }

    long ticketGrantedAtNanos() {
        return ticketGrantedAtNanos;
    }

    /** The upstream answered: limiter and pool learn from its head before anything is relayed. */
    void answered(int status, RateLimitObservation observation) {
        if (status == 304) {
            ticket.completeNotModified(observation); // uncounted by GitHub: its headers, not a count, decide
        } else if (status >= 500) {
            ticket.completeServerError(observation); // a bare error page does not show the upstream is silent
        } else {
            ticket.complete(observation);
        }
        if (lease != null) {
            lease.complete(status, observation);
        }
    }

    /**
     * A throttled answer, or a 401 for a token the proxy chose, is about that token, not about the
     * client's request: whether to try another token (only if the request can be sent again).
     */
    boolean shouldTryAnotherToken(int status, RateLimitObservation observation, boolean replayable) {
        boolean canResend = attempts < upstream.maxAttempts() && replayable && exchange.remainingWaitNanos() > 0;
        return tokenRetries.shouldRetry(upstream.tokens(), lease, status, observation, canResend);
    }

    /** Another attempt with another token; the answered ticket keeps only its in-flight slots, freed here. */
    void tryAnotherToken() {
        releaseTicket();
        lease = null; // already told about the answer
        reservation = null; // that attempt reached the upstream: it stays counted
        begin();
    }

    /** The exchange is done with its ticket: in-flight caps get their slot back. */
    void releaseTicket() {
        if (ticket != null) {
            ticket.release();
            ticket = null;
        }
    }

    /**
     * Gives back everything admission holds: a pending token or ticket wait is withdrawn, a ticket is
     * abandoned ({@code maybeSent}: whether the request may have reached the upstream), the token
     * returned.
     */
    void giveBack(boolean maybeSent) {
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
        if (!maybeSent) {
            cancelReservation();
        }
        reservation = null;
    }

    // ---- plumbing ------------------------------------------------------------------------------

    /**
     * Waits in state {@code awaiting} for a token or ticket without blocking: the continuation runs
     * on the exchange's event loop. A result that arrives after the exchange moved on (it ended, or
     * withdrew this wait) is given back with {@code giveBack}.
     */
    private <T> void await(ExchangeState awaiting, CompletableFuture<T> future, Consumer<T> next, Consumer<T> giveBack) {
        waiting = future;
        if (future.isDone()) {
            // The go-now path (admission runs on the exchange's loop): no callback and no hop to build.
            settle(awaiting, future, next, giveBack);
        } else {
            runtime.queues().track(upstream.name(), future);
            future.whenComplete((value, error) -> exchange.onLoop(() -> settle(awaiting, future, next, giveBack)));
        }
    }

    private <T> void settle(ExchangeState awaiting, CompletableFuture<T> future, Consumer<T> next, Consumer<T> giveBack) {
        T value = null;
        Throwable error = null;
        try {
            value = future.join();
        } catch (CompletionException | CancellationException e) {
            error = e;
        }
        if (exchange.state() != awaiting || waiting != future) {
            if (value != null) {
                giveBack.accept(value);
            }
            return;
        }
        waiting = null;
        if (error != null) {
            refuse(unwrap(error));
        } else {
            next.accept(value);
        }
    }

    private void refuse(Throwable error) {
        abandonLease(false); // refused by the proxy: never sent with this token
        cancelReservation();
        recorder.refusedBecause(error);
        if (error instanceof QuotaSpentException spent) {
            exchange.fail(ProxyError.quotaExceeded(spent.getMessage(), spent.retryAfterNanos()));
        } else if (error instanceof TicketRefusedException refused
                && refused.reason() == TicketRefusedException.Reason.STORE_UNAVAILABLE) {
            exchange.fail(ProxyError.storeUnavailable(refused.retryAfterNanos()));
        } else if (error instanceof RetryLaterException later) {
            exchange.fail(ProxyError.rateLimited(later.getMessage(), later.retryAfterNanos()));
        } else if (!(error instanceof CancellationException)) {
            log.warn("request {}: admission failed for upstream '{}'", exchange.requestId(), upstream.name(), error);
            exchange.fail(ProxyError.unavailable("could not admit the request"));
        }
    }

    private void cancelReservation() {
        if (reservation != null) {
            reservation.cancel();
            reservation = null;
        }
    }

    private void abandonLease(boolean maybeSent) {
        if (lease != null) {
            lease.abandon(maybeSent);
            lease = null;
        }
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
