package dev.rlproxy.server.proxy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.rlproxy.core.time.Clock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The client connection's timers on an {@link EmbeddedChannel} with Netty's own virtual time. */
class ClientTimeoutsTest {

    @BeforeAll
    static void paranoidLeakDetection() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    private static EmbeddedChannel channel() {
        ProxyRuntime runtime = new ProxyRuntime(new Router(List.of()), null, Clock.system(), 1_000_000_000L, 1024, 1024);
        ClientTimeouts timeouts = new ClientTimeouts(new ClientLimits(Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofSeconds(3), 10, 10));
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.config().setOption(ChannelOption.AUTO_READ, false);
        ch.pipeline().addLast(timeouts,
                new CombinedChannelDuplexHandler<>(new StrictRequestDecoder(), new HttpResponseEncoder()),
                new ClientConnectionHandler(runtime, timeouts));
        ch.pipeline().fireChannelActive();
        return ch;
    }

    private static String send(EmbeddedChannel ch, String bytes) {
        ch.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.US_ASCII));
        return written(ch);
    }

    private static String after(EmbeddedChannel ch, long millis) {
        ch.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        return written(ch);
    }

    private static String written(EmbeddedChannel ch) {
        StringBuilder out = new StringBuilder();
        ByteBuf buf;
        while ((buf = ch.readOutbound()) != null) {
            out.append(buf.toString(StandardCharsets.US_ASCII));
            buf.release();
        }
        return out.toString();
    }

    @Test
    void aDribbledHeadGets408AtTheHeadDeadlineWhateverArrivesMeanwhile() {
        EmbeddedChannel ch = channel();
        assertThat(send(ch, "GET /x HTTP/1.1\r\n")).isEmpty();
        assertThat(after(ch, 500)).isEmpty();
        assertThat(send(ch, "Host: p\r\n")).isEmpty();
        assertThat(after(ch, 499)).isEmpty();
        assertThat(ch.isOpen()).isTrue();

        assertThat(after(ch, 1)).startsWith("HTTP/1.1 408 Request Timeout").contains("\"request_timeout\"")
                .contains("connection: close");
        assertThat(ch.isOpen()).isFalse();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void anIdleKeptAliveConnectionClosesQuietlyAfterTheIdleTimeout() {
        EmbeddedChannel ch = channel();
        assertThat(send(ch, "GET /nowhere HTTP/1.1\r\nHost: p\r\n\r\n")).startsWith("HTTP/1.1 404");

        assertThat(after(ch, 1_999)).isEmpty();
        assertThat(ch.isOpen()).as("the idle timeout, not the shorter head timeout, applies").isTrue();
        assertThat(after(ch, 1)).isEmpty();
        assertThat(ch.isOpen()).isFalse();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void theNextRequestsFirstByteStartsItsHeadDeadline() {
        EmbeddedChannel ch = channel();
        assertThat(send(ch, "GET /nowhere HTTP/1.1\r\nHost: p\r\n\r\n")).startsWith("HTTP/1.1 404");
        assertThat(after(ch, 1_500)).isEmpty();
        assertThat(send(ch, "GET /again HTTP/1.1\r\n")).isEmpty();

        assertThat(after(ch, 1_000)).startsWith("HTTP/1.1 408");
        assertThat(ch.isOpen()).isFalse();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void eachAnswerStartsTheIdleTimeoutAfreshThoughTheEarlierDeadlineIsStillScheduled() {
        EmbeddedChannel ch = channel();
        assertThat(send(ch, "GET /nowhere HTTP/1.1\r\nHost: p\r\n\r\n")).startsWith("HTTP/1.1 404");
        assertThat(after(ch, 1_999)).isEmpty();
        assertThat(send(ch, "GET /again HTTP/1.1\r\nHost: p\r\n\r\n")).startsWith("HTTP/1.1 404");

        assertThat(after(ch, 1_999)).isEmpty();
        assertThat(ch.isOpen()).as("2 s after the second answer, not the first").isTrue();
        assertThat(after(ch, 1)).isEmpty();
        assertThat(ch.isOpen()).isFalse();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void unexpectedConnectionErrorsAreLoggedAtWarnAndResetsAtDebug() {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        ch.qos.logback.classic.Logger logger =
                (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(ClientConnectionHandler.class);
        Level before = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        logs.start();
        logger.addAppender(logs);
        try {
            EmbeddedChannel reset = channel();
            reset.pipeline().fireExceptionCaught(new java.io.IOException("Connection reset by peer"));
            EmbeddedChannel odd = channel();
            odd.pipeline().fireExceptionCaught(new IllegalStateException("unexpected"));

            assertThat(reset.isOpen()).isFalse();
            assertThat(odd.isOpen()).isFalse();
            assertThat(logs.list).extracting(ILoggingEvent::getLevel).containsExactly(Level.DEBUG, Level.WARN);
            assertThat(logs.list.get(1).getFormattedMessage()).contains("IllegalStateException: unexpected");
            assertThat(reset.finish()).isFalse();
            assertThat(odd.finish()).isFalse();
        } finally {
            logger.detachAppender(logs);
            logger.setLevel(before);
        }
    }

    // ---- the upstream's response deadline, on the same timer --------------------------------------

    /** The timers alone on a channel with frozen time, recording each expiry with the virtual time it ran at. */
    private static final class Timers implements ClientTimeouts.Expiry {
        final List<String> events = new java.util.ArrayList<>();
        final EmbeddedChannel ch = new EmbeddedChannel();
        final ClientTimeouts timeouts = new ClientTimeouts(new ClientLimits(Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofSeconds(3), 10, 10));
        private final long start;

        Timers() {
            ch.freezeTime();
            start = ch.eventLoop().ticker().nanoTime();
            timeouts.expireInto(this);
            ch.pipeline().addLast(timeouts);
        }

        private void at(String what) {
            events.add(what + "@" + TimeUnit.NANOSECONDS.toMillis(ch.eventLoop().ticker().nanoTime() - start));
        }

        @Override
        public void headTimedOut() {
            at("head");
        }

        @Override
        public void idleTimedOut() {
            at("idle");
        }

        @Override
        public void bodyTimedOut() {
            at("body");
        }

        @Override
        public void responseTimedOut() {
            at("response");
        }
    }

    @Test
    void theResponseDeadlineAndABodyDeadlineEachExpireAtTheirOwnTime() {
        Timers t = new Timers();
        t.timeouts.headReceived(true);
        t.ch.read(); // the body is asked for: 3 s of silence allowed
        t.timeouts.awaitResponse(TimeUnit.SECONDS.toNanos(5)); // a streamed body: the head went out first

        after(t.ch, 3_000);
        assertThat(t.events).containsExactly("body@3000");
        after(t.ch, 1_999);
        assertThat(t.events).containsExactly("body@3000");
        after(t.ch, 1);
        assertThat(t.events).containsExactly("body@3000", "response@5000");
        assertThat(t.ch.finish()).isFalse();
    }

    @Test
    void progressMovesTheResponseDeadlineAndAnArrivedResponseDisarmsIt() {
        Timers t = new Timers();
        t.timeouts.headReceived(false);
        t.timeouts.awaitResponse(TimeUnit.SECONDS.toNanos(5));
        after(t.ch, 4_000);
        t.timeouts.awaitResponse(TimeUnit.SECONDS.toNanos(5)); // more of the body went upstream

        after(t.ch, 4_999);
        assertThat(t.events).isEmpty();
        after(t.ch, 1);
        assertThat(t.events).containsExactly("response@9000");

        t.timeouts.awaitResponse(TimeUnit.SECONDS.toNanos(5));
        t.timeouts.responseArrived();
        after(t.ch, 60_000);
        assertThat(t.events).as("nothing armed: the connection is busy relaying").containsExactly("response@9000");
        assertThat(t.ch.finish()).isFalse();
    }

    @Test
    void aResponseDeadlineEarlierThanTheScheduledTimerIsNotMissed() {
        Timers t = new Timers();
        t.timeouts.headReceived(true);
        t.ch.read(); // body timer scheduled for 3 s
        t.timeouts.awaitResponse(TimeUnit.MILLISECONDS.toNanos(500));

        after(t.ch, 500);
        assertThat(t.events).containsExactly("response@500");
        assertThat(t.ch.finish()).isFalse();
    }
}
