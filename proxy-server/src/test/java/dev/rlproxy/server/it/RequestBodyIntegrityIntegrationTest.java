package dev.rlproxy.server.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A chunked request body that breaks or grows too large after part of it went upstream: the
 * upstream must never see a complete message (its connection closes before the last chunk), and
 * the client gets the proxy's own 400 or 413.
 */
class RequestBodyIntegrityIntegrationTest {

    private static final String HEAD = "POST /api/upload HTTP/1.1\r\nHost: proxy\r\nTransfer-Encoding: chunked\r\n\r\n";
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private RecordingUpstream upstream() throws Exception {
        RecordingUpstream upstream = new RecordingUpstream();
        open.add(upstream);
        return upstream;
    }

    private RawClient clientOf(RecordingUpstream upstream) throws Exception {
        RunningProxy proxy = RunningProxy.start("""
                server: { listen: "127.0.0.1:0", maxRequestBody: 1KiB }
                upstreams:
                  api: { url: "%s", responseTimeout: 5s }
                routes:
                  - match: { pathPrefix: "/api/" }
                    upstream: api
                """.formatted(upstream.url()));
        open.add(proxy);
        RawClient client = new RawClient(proxy.app.port());
        open.add(client);
        return client;
    }

    /** Sends the head and a first good chunk, and waits until the upstream has it. */
    private static void startUpload(RawClient client, RecordingUpstream upstream) throws Exception {
        client.send(HEAD + "5\r\nfirst\r\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> upstream.allText().contains("first"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"3\r\nhello\r\n0\r\n\r\n", "zz\r\nabc\r\n0\r\n\r\n", "ffffffffffffffffff\r\nabc\r\n0\r\n\r\n"})
    void malformedChunkIs400AndTheUpstreamNeverSeesAnEnd(String rest) throws Exception {
        RecordingUpstream upstream = upstream();
        RawClient client = clientOf(upstream);
        startUpload(client, upstream);

        client.send(rest);
        String answer = client.readUntilClosed();

        assertThat(answer).startsWith("HTTP/1.1 400").contains("X-Proxy-Error: true").contains("\"bad_request\"")
                .contains("connection: close");
        await().atMost(Duration.ofSeconds(10)).until(() -> upstream.connections().get(0).closedByProxy());
        assertThat(upstream.allText()).contains("first").doesNotContain("\r\n0\r\n\r\n");
    }

    @Test
    void malformedChunkBeforeAnythingWentUpstreamIs400() throws Exception {
        RecordingUpstream upstream = upstream();
        RawClient client = clientOf(upstream);

        client.send(HEAD + "3\r\nhello\r\n0\r\n\r\n");

        assertThat(client.readUntilClosed()).startsWith("HTTP/1.1 400").contains("\"bad_request\"");
        assertThat(upstream.allText()).doesNotContain("\r\n0\r\n\r\n");
    }

    @Test
    void chunkedBodyOverTheLimitIs413AndTheUpstreamNeverSeesAnEnd() throws Exception {
        RecordingUpstream upstream = upstream();
        RawClient client = clientOf(upstream);
        startUpload(client, upstream);

        String chunk = "x".repeat(600);
        client.send("258\r\n" + chunk + "\r\n258\r\n" + chunk + "\r\n0\r\n\r\n");
        String answer = client.readUntilClosed();

        assertThat(answer).startsWith("HTTP/1.1 413").contains("X-Proxy-Error: true").contains("\"body_too_large\"");
        await().atMost(Duration.ofSeconds(10)).until(() -> upstream.connections().get(0).closedByProxy());
        assertThat(upstream.allText()).doesNotContain("\r\n0\r\n\r\n");
    }
}
