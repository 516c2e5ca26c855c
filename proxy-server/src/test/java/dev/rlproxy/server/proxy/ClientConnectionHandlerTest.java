package dev.rlproxy.server.proxy;

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

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The client side of the pipeline on an {@link EmbeddedChannel}: answers the proxy gives by itself. */
class ClientConnectionHandlerTest {

    @BeforeAll
    static void paranoidLeakDetection() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    private static EmbeddedChannel channel() {
        ProxyRuntime runtime = new ProxyRuntime(new Router(List.of()), null, Clock.system(), 1_000_000_000L, 1024, 1024);
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setOption(ChannelOption.AUTO_READ, false);
        ClientTimeouts timeouts = new ClientTimeouts(new ClientLimits(Duration.ofMinutes(1), Duration.ofMinutes(1),
                Duration.ofMinutes(1), 10, 10));
        ch.pipeline().addLast(timeouts,
                new CombinedChannelDuplexHandler<>(new StrictRequestDecoder(), new HttpResponseEncoder()),
                new ClientConnectionHandler(runtime, timeouts));
        ch.pipeline().fireChannelActive();
        return ch;
    }

    private static String send(EmbeddedChannel ch, String request) {
        ch.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII));
        StringBuilder out = new StringBuilder();
        ByteBuf buf;
        while ((buf = ch.readOutbound()) != null) {
            out.append(buf.toString(StandardCharsets.US_ASCII));
            buf.release();
        }
        return out.toString();
    }

    @Test
    void noRouteIsJson404AndTheConnectionStaysOpen() {
        EmbeddedChannel ch = channel();

        String answer = send(ch, "GET /nowhere?x=1 HTTP/1.1\r\nHost: proxy\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 404 Not Found")
                .contains("X-Proxy-Error: true")
                .endsWith("{\"error\":\"no_route\",\"detail\":\"no route matches GET /nowhere\"}");
        assertThat(ch.isOpen()).isTrue();
        assertThat(send(ch, "GET /again HTTP/1.1\r\nHost: proxy\r\n\r\n")).startsWith("HTTP/1.1 404");
        ch.close();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void contentLengthWithTransferEncodingIs400AndCloses() {
        EmbeddedChannel ch = channel();

        String answer = send(ch, "POST /api/x HTTP/1.1\r\nHost: proxy\r\nContent-Length: 5\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 400 Bad Request")
                .contains("both Content-Length and Transfer-Encoding");
        assertThat(ch.isOpen()).isFalse();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void announcedBodyOverTheLimitIs413AndCloses() {
        EmbeddedChannel ch = channel();

        String answer = send(ch, "POST /api/x HTTP/1.1\r\nHost: proxy\r\nContent-Length: 4096\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 413").contains("body_too_large");
        assertThat(ch.isOpen()).isFalse();
        assertThat(ch.finish()).isFalse();
    }
}
