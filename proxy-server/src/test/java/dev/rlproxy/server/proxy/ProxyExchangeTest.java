package dev.rlproxy.server.proxy;

import dev.rlproxy.core.limit.Ticket;
import dev.rlproxy.core.tokens.TokenLease;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * {@link ProxyExchange} in each of its states, both sides on {@link EmbeddedChannel}s and time on a
 * manual clock: what it gives back when the client leaves, what the client sees when the upstream
 * fails, and the retry with another token.
 */
class ProxyExchangeTest {

    private static final String GET = "GET /api/x HTTP/1.1\r\nHost: proxy\r\n\r\n";
    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

    private final ExchangeHarness h = new ExchangeHarness(1);

    @BeforeAll
    static void paranoidLeakDetection() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    @AfterEach
    void close() {
        h.close();
    }

    private static String upstreamReceived(EmbeddedChannel upstream) {
        return ExchangeHarness.drain(upstream);
    }

    private static void upstreamAnswers(EmbeddedChannel upstream, String raw) {
        upstream.writeInbound(io.netty.buffer.Unpooled.copiedBuffer(raw, java.nio.charset.StandardCharsets.US_ASCII));
    }

    private void clientLeaves() {
        h.client.close();
        assertFalse(h.client.finish());
    }

    private static void assertClosed(EmbeddedChannel upstream) {
        upstreamReceived(upstream);
        assertThat(upstream.isOpen()).isFalse();
        assertFalse(upstream.finish());
    }

    // ---- the happy path ------------------------------------------------------------------------

    @Test
    void aServerErrorIsReportedToTheLimiterAsOneSoItMarksNoBucketSilent() {
        h.clientSends(GET);
        EmbeddedChannel upstream = h.connections.connect(false);
        upstreamReceived(upstream);

        upstreamAnswers(upstream, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 2\r\n\r\nno");

        assertThat(h.clientReceived()).startsWith("HTTP/1.1 502 Bad Gateway").endsWith("no");
        assertThat(h.limiter.events).containsExactly("completeServerError", "release");
        clientLeaves();
    }

    @Test
    void relaysTheAnswerThenGivesTicketTokenAndConnectionBack() {
        h.clientSends(GET);
        EmbeddedChannel upstream = h.connections.connect(false);

        assertThat(upstreamReceived(upstream)).startsWith("GET /x HTTP/1.1").contains("Authorization: Bearer secret-");
        upstreamAnswers(upstream, OK);

        assertThat(h.clientReceived()).startsWith("HTTP/1.1 200 OK").endsWith("ok");
        assertThat(h.limiter.events).containsExactly("complete", "release");
        assertThat(h.connections.released).containsExactly(upstream);
        assertThat(h.tokensInUse()).isZero();
        assertThat(h.client.isOpen()).isTrue();
        clientLeaves();
        assertFalse(upstream.finish());
    }

    // ---- the client leaves ---------------------------------------------------------------------

    @Test
    void aSmallAnswerLeavesInOneFlushAndAStreamedOneAsEachUpstreamReadArrives() {
        AtomicInteger flushes = new AtomicInteger();
        h.client.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
            @Override
            public void flush(ChannelHandlerContext ctx) {
                flushes.incrementAndGet();
                ctx.flush();
            }
        });
        h.clientSends(GET);
        upstreamAnswers(h.connections.connect(false), OK);
        assertThat(h.clientReceived()).startsWith("HTTP/1.1 200 OK").endsWith("ok");
        assertThat(flushes).hasValue(1); // head and body together, as one write to the socket

        h.clientSends(GET);
        EmbeddedChannel upstream = h.connections.connect(false);
        upstreamAnswers(upstream, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello");
        assertThat(h.clientReceived()).startsWith("HTTP/1.1 200 OK").endsWith("hello"); // not held back for the rest
        upstreamAnswers(upstream, "world");
        assertThat(h.clientReceived()).isEqualTo("world");
        assertThat(flushes).hasValue(3);
    }

    @Test
    void aBufferedBodyIsWholeBeforeAdmissionStarts() {
        h.clientSends("POST /api/x HTTP/1.1\r\nHost: proxy\r\nContent-Length: 5\r\n\r\nhe");
        assertThat(h.tokensInUse()).isZero();
        assertThat(h.connections.pending).isEmpty();

        h.clientSends("llo");
        EmbeddedChannel upstream = h.connections.connect(false);

        assertThat(upstreamReceived(upstream)).startsWith("POST /x HTTP/1.1").endsWith("hello");
        upstreamAnswers(upstream, OK);
        assertThat(h.clientReceived()).startsWith("HTTP/1.1 200 OK");
        clientLeaves();
        assertFalse(upstream.finish());
    }

    @Test
    void clientLeavingWhileItsBodyArrivesHoldsNothing() {
        h.clientSends("POST /api/x HTTP/1.1\r\nHost: proxy\r\nContent-Length: 5\r\n\r\nhe");

        clientLeaves();

        assertThat(h.tokensInUse()).isZero();
        assertThat(h.limiter.events).isEmpty();
        assertThat(h.connections.pending).isEmpty();
    }

    @Test
    void clientLeavingWhileQueuedForATokenWithdrawsTheCheckout() {
        TokenLease one = h.tokens.checkout(ExchangeHarness.MAX_WAIT_NANOS, Set.of()).join();
        TokenLease two = h.tokens.checkout(ExchangeHarness.MAX_WAIT_NANOS, Set.of()).join();
        h.clientSends(GET);
        assertThat(h.tokens.waitingCheckouts()).isEqualTo(1);

        clientLeaves();

        assertThat(h.tokens.waitingCheckouts()).isZero();
        one.abandon(false);
        two.abandon(false);
        assertThat(h.tokensInUse()).isZero();
        assertThat(h.limiter.events).isEmpty();
        assertThat(h.connections.pending).isEmpty();
    }

    @Test
    void clientLeavingWhileQueuedForATicketWithdrawsItAndReturnsTheToken() {
        Ticket held = h.limiter.acquire(h.upstream.ticketRequest("GET /held", null, EmptyHttpHeaders.INSTANCE,
                ExchangeHarness.MAX_WAIT_NANOS)).join();
        h.limiter.events.clear();
        h.clientSends(GET);
        assertThat(h.limiter.queueDepth()).isEqualTo(1);
        assertThat(h.tokensInUse()).isEqualTo(1);

        clientLeaves();

        assertThat(h.limiter.queueDepth()).isZero();
        assertThat(h.tokensInUse()).isZero();
        held.release();
        assertThat(h.limiter.events).containsExactly("release"); // only the test's own ticket
        assertThat(h.connections.pending).isEmpty();
    }

    @Test
    void clientLeavingWhileWaitingForAConnectionAbandonsTheUnsentTicketAndReturnsTheLateConnection() {
        h.clientSends(GET);
        assertThat(h.connections.pending).hasSize(1);

        clientLeaves();
        assertThat(h.limiter.events).containsExactly("abandon(false)");
        assertThat(h.tokensInUse()).isZero();

        EmbeddedChannel late = h.connections.connect(false);
        assertThat(h.connections.released).containsExactly(late);
        assertThat(upstreamReceived(late)).isEmpty();
        assertFalse(late.finish());
    }

    @Test
    void clientLeavingWhileSendingAbandonsTheTicketAsMaybeSentAndDropsTheConnection() {
        h.clientSends(GET);
        EmbeddedChannel upstream = h.connections.connect(false);

        clientLeaves();

        assertThat(h.limiter.events).containsExactly("abandon(true)");
        assertThat(h.tokensInUse()).isZero();
        assertThat(h.connections.discarded).containsExactly(upstream);
        assertClosed(upstream);
    }

    @Test
    void clientLeavingWhileRelayingDropsTheConnectionMidBody() {
        h.clientSends(GET);
        EmbeddedChannel upstream = h.connections.connect(false);
        upstreamAnswers(upstream, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello");
        assertThat(h.clientReceived()).startsWith("HTTP/1.1 200 OK").endsWith("hello");

        clientLeaves();

        // Completed with the head; abandoning afterwards only frees its in-flight slot.
        assertThat(h.limiter.events).containsExactly("complete", "abandon(true)");
        assertThat(h.tokensInUse()).isZero();
        assertThat(h.connections.discarded).containsExactly(upstream);
        assertClosed(upstream);
    }

    // ---- the upstream fails --------------------------------------------------------------------

    @Test
    void refusedConnectIsTriedAgainAfterAPauseKeepingTheTicket() {
        h.clientSends(GET);
        h.connections.failConnect(new ConnectException("refused"));
        assertThat(h.connections.pending).isEmpty();

        h.advance(TimeUnit.MILLISECONDS.toNanos(100));
        EmbeddedChannel upstream = h.connections.connect(false);
        upstreamReceived(upstream);
        upstreamAnswers(upstream, OK);

        assertThat(h.clientReceived()).startsWith("HTTP/1.1 200 OK");
        assertThat(h.limiter.events).containsExactly("complete", "release");
        clientLeaves();
        assertFalse(upstream.finish());
    }

    @Test
    void connectThatKeepsFailingIs502WithTheUnsentTicketGivenBack() {
        h.clientSends(GET);
        h.connections.failConnect(new ConnectException("refused"));
        h.advance(TimeUnit.MILLISECONDS.toNanos(100));
        h.connections.failConnect(new ConnectException("refused"));
        h.advance(TimeUnit.MILLISECONDS.toNanos(200));
        h.connections.failConnect(new ConnectException("refused"));

        assertThat(h.clientReceived()).startsWith("HTTP/1.1 502").contains("X-Proxy-Error: true")
                .contains("connection refused").doesNotContain("secret");
        assertThat(h.connections.pending).isEmpty();
        assertThat(h.limiter.events).containsExactly("abandon(false)");
        assertThat(h.tokensInUse()).isZero();
        clientLeaves();
    }

    @Test
    void unresolvableHostIs502AtOnce() {
        h.clientSends(GET);
        h.connections.failConnect(new UnknownHostException("upstream.test"));

        assertThat(h.clientReceived()).startsWith("HTTP/1.1 502").contains("host name did not resolve");
        assertThat(h.limiter.events).containsExactly("abandon(false)");
        assertThat(h.tokensInUse()).isZero();
        clientLeaves();
    }

    @Test
    void resetWhileSendingOnAFreshConnectionIs502() {
        h.clientSends(GET);
        EmbeddedChannel upstream = h.connections.connect(false);

        upstream.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));

        assertThat(h.clientReceived()).startsWith("HTTP/1.1 502").contains("X-Proxy-Error: true");
        assertThat(h.limiter.events).containsExactly("abandon(true)");
        assertThat(h.tokensInUse()).isZero();
        assertThat(h.connections.discarded).containsExactly(upstream);
        assertClosed(upstream);
        clientLeaves();
    }

    @Test
    void resetOfAStalePooledConnectionResendsAnIdempotentRequestOnce() {
        h.clientSends(GET);
        EmbeddedChannel stale = h.connections.connect(true);
        stale.close();
        assertThat(h.clientReceived()).isEmpty();

        EmbeddedChannel fresh = h.connections.connect(false);
        assertThat(upstreamReceived(fresh)).startsWith("GET /x HTTP/1.1");
        upstreamAnswers(fresh, OK);

        assertThat(h.clientReceived()).startsWith("HTTP/1.1 200 OK");
        assertThat(h.limiter.events).containsExactly("abandon(true)", "complete", "release");
        assertThat(h.tokensInUse()).isZero();
        assertClosed(stale);
        clientLeaves();
        assertFalse(fresh.finish());
    }

    @Test
    void resetOfAStalePooledConnectionIsNotResentForAPost() {
        h.clientSends("POST /api/x HTTP/1.1\r\nHost: proxy\r\nContent-Length: 2\r\n\r\nhi");
        EmbeddedChannel stale = h.connections.connect(true);
        assertThat(upstreamReceived(stale)).startsWith("POST /x HTTP/1.1").endsWith("hi");

        stale.close();

        assertThat(h.clientReceived()).startsWith("HTTP/1.1 502");
        assertThat(h.connections.pending).isEmpty();
        assertThat(h.limiter.events).containsExactly("abandon(true)");
        assertClosed(stale);
        clientLeaves();
    }

    @Test
    void noResponseHeadWithinTheResponseTimeoutIs504() {
        h.clientSends(GET);
        EmbeddedChannel upstream = h.connections.connect(false);

        h.advance(ExchangeHarness.RESPONSE_TIMEOUT_NANOS);

        assertThat(h.clientReceived()).startsWith("HTTP/1.1 504").contains("X-Proxy-Error: true");
        assertThat(h.limiter.events).containsExactly("abandon(true)");
        assertClosed(upstream);
        clientLeaves();
    }

    @Test
    void resetWhileRelayingClosesTheClientConnection() {
        h.clientSends(GET);
        EmbeddedChannel upstream = h.connections.connect(false);
        upstreamAnswers(upstream, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello");

        upstream.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));

        assertThat(h.clientReceived()).startsWith("HTTP/1.1 200 OK").endsWith("hello");
        assertThat(h.client.isOpen()).isFalse();
        assertThat(h.limiter.events).containsExactly("complete", "release");
        assertThat(h.tokensInUse()).isZero();
        assertClosed(upstream);
        assertFalse(h.client.finish());
    }

    // ---- graceful shutdown ---------------------------------------------------------------------

    @Test
    void shutdownAnswersAQueuedRequestAt503AndGivesBackItsToken() {
        Ticket held = h.limiter.acquire(h.upstream.ticketRequest("GET /held", null, EmptyHttpHeaders.INSTANCE,
                ExchangeHarness.MAX_WAIT_NANOS)).join();
        h.clientSends(GET);
        assertThat(h.limiter.queueDepth()).isEqualTo(1);

        assertThat(h.runtime.draining().begin()).isEqualTo(1);

        assertThat(h.clientReceived()).startsWith("HTTP/1.1 503").contains("shutting_down");
        assertThat(h.limiter.queueDepth()).isZero();
        assertThat(h.tokensInUse()).isZero();
        held.release();
        clientLeaves();
    }

    @Test
    void shutdownLetsASentRequestFinish() {
        h.clientSends(GET);
        EmbeddedChannel upstream = h.connections.connect(false);
        upstreamReceived(upstream);

        h.runtime.draining().begin();
        upstreamAnswers(upstream, OK);

        assertThat(h.clientReceived()).startsWith("HTTP/1.1 200 OK").endsWith("ok");
        assertThat(h.limiter.events).containsExactly("complete", "release");
        clientLeaves();
        assertFalse(upstream.finish());
    }

    // ---- another token -------------------------------------------------------------------------

    @Test
    void throttledAnswerIsRetriedWithTheOtherToken() {
        h.clientSends(GET);
        EmbeddedChannel first = h.connections.connect(false);
        String firstToken = tokenIn(upstreamReceived(first));
        upstreamAnswers(first, "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 60\r\nContent-Length: 0\r\n\r\n");

        assertThat(h.clientReceived()).isEmpty();
        assertThat(h.connections.discarded).containsExactly(first);
        EmbeddedChannel second = h.connections.connect(false);
        String secondToken = tokenIn(upstreamReceived(second));
        upstreamAnswers(second, OK);

        assertThat(firstToken).isNotEqualTo(secondToken);
        assertThat(h.clientReceived()).startsWith("HTTP/1.1 200 OK").endsWith("ok");
        assertThat(h.limiter.events).containsExactly("complete", "release", "complete", "release");
        assertThat(h.tokensInUse()).isZero();
        assertClosed(first);
        clientLeaves();
        assertFalse(second.finish());
    }

    private static String tokenIn(String request) {
        int at = request.indexOf("Authorization: Bearer ");
        assertThat(at).isNotNegative();
        return request.substring(at + 22, request.indexOf("\r\n", at));
    }
}
