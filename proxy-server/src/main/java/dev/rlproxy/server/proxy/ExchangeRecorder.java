package dev.rlproxy.server.proxy;

import dev.rlproxy.core.limit.TicketRefusedException;
import dev.rlproxy.core.metrics.ProxyMetrics;
import dev.rlproxy.core.metrics.RequestOutcome;
import dev.rlproxy.core.time.Clock;
import dev.rlproxy.core.tokens.TokenUnavailableException;

import java.util.Locale;

/**
 * Collects what one exchange did (waits, latency, bytes, token, retries, who answered) and reports
 * it once, when the exchange ends, to {@link ProxyMetrics}. Used on the exchange's event loop only.
 */
final class ExchangeRecorder {

    private final ProxyMetrics metrics;
    private final Clock clock;
    private final long startMillis;
    private final long startNanos;
    private final String upstream;
    private final String route;
    private final String method;
    private final String path;

    private long admittedNanos = -1;
    private long sentNanos = -1;
    private long upstreamNanos = -1;
    private int upstreamStatus;
    private long bytesOut;
    private String fingerprint;
    private int retries;
    private String proxyReason;
    private boolean reported;

    ExchangeRecorder(ProxyMetrics metrics, Clock clock, String upstream, String route, String method, String uri) {
        this.metrics = metrics;
        this.clock = clock;
        this.startMillis = clock.wallMillis();
        this.startNanos = clock.nanoTime();
        this.upstream = upstream;
        this.route = route;
        this.method = method;
        this.path = pathOnly(uri);
    }

    void tokenCheckedOut(String fingerprint) {
        this.fingerprint = fingerprint;
        metrics.tokenCheckedOut(upstream, fingerprint);
    }

    /** Every ticket is held: the queue wait (token and tickets) ends here. */
    void admitted(long nowNanos) {
        admittedNanos = nowNanos;
    }

    void sent(long nowNanos) {
        sentNanos = nowNanos;
    }

    void responseHead(int status, boolean throttled) {
        upstreamStatus = status;
        if (sentNanos >= 0) {
            upstreamNanos = clock.nanoTime() - sentNanos;
        }
        if (throttled) {
            metrics.upstreamThrottled(upstream, route);
        }
    }

    void retried() {
        retries++;
        metrics.tokenRetried(upstream, route);
    }

    void relayed(long bytes) {
        bytesOut += bytes;
    }

    /** Names why admission was refused more precisely than the error code does. */
    void refusedBecause(Throwable refusal) {
        if (refusal instanceof TicketRefusedException ticket) {
            proxyReason = ticket.reason().name().toLowerCase(Locale.ROOT);
        } else if (refusal instanceof TokenUnavailableException) {
            proxyReason = "no_token";
        }
    }

    /** The proxy answered itself with {@code error}. */
    void proxyAnswered(ProxyError error, long bytesIn) {
        if (proxyReason == null) {
            proxyReason = error.error();
        }
        report(error.status().code(), bytesIn);
    }

    /** The upstream's answer was relayed (or cut off mid-body; before any head, the connection just closed). */
    void upstreamAnswered(long bytesIn) {
        if (upstreamStatus == 0) {
            proxyReason = "connection_closed";
        }
        report(upstreamStatus, bytesIn);
    }

    void clientClosed(long bytesIn) {
        proxyReason = "client_closed";
        report(RequestOutcome.CLIENT_CLOSED, bytesIn);
    }

    private void report(int status, long bytesIn) {
        if (reported) {
            return;
        }
        reported = true;
        long waitEnd = admittedNanos >= 0 ? admittedNanos : clock.nanoTime();
        metrics.requestCompleted(new RequestOutcome(startMillis, upstream, route, method, path, status, proxyReason,
                waitEnd - startNanos, upstreamNanos, bytesIn, bytesOut, fingerprint, retries));
    }

    /** A request the proxy answered before any exchange began (bad request, no route). */
    static void rejected(ProxyRuntime runtime, String method, String uri, ProxyError error) {
        new ExchangeRecorder(runtime.metrics(), runtime.clock(), "", "", method, uri).proxyAnswered(error, 0);
    }

    static String pathOnly(String uri) {
        int query = uri.indexOf('?');
        return query >= 0 ? uri.substring(0, query) : uri;
    }
}
