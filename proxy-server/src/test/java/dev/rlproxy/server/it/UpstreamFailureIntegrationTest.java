package dev.rlproxy.server.it;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 502 answers name the upstream and a stable reason only; the cause goes to the log under the
 * request id the client also gets. A request is resent only after a stale pooled connection failed
 * before any response byte, and never after a malformed answer.
 */
class UpstreamFailureIntegrationTest {

    private final List<AutoCloseable> open = new ArrayList<>();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private ch.qos.logback.classic.Logger root;

    @BeforeEach
    void captureLogs() {
        root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME);
        logs.start();
        root.addAppender(logs);
    }

    @AfterEach
    void closeAll() throws Exception {
        root.detachAppender(logs);
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private RunningProxy proxyTo(String url) {
        RunningProxy proxy = RunningProxy.start("""
                server: { listen: "127.0.0.1:0" }
                upstreams:
                  api: { url: "%s", connectTimeout: 1s, responseTimeout: 5s }
                routes:
                  - match: { pathPrefix: "/api/" }
                    upstream: api
                """.formatted(url));
        open.add(proxy);
        return proxy;
    }

    private ScriptedUpstream scripted(ScriptedUpstream.Script script) throws IOException {
        ScriptedUpstream upstream = new ScriptedUpstream(script);
        open.add(upstream);
        return upstream;
    }

    @Test
    void refusedConnectIs502WithoutAddressOrErrnoAndTheCauseIsLoggedUnderTheRequestId() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        RunningProxy proxy = proxyTo("http://127.0.0.1:" + closedPort);

        HttpResponse<String> response = proxy.get("/api/x");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body())
                .isEqualTo("{\"error\":\"upstream_unreachable\",\"detail\":\"upstream 'api': connection refused\"}");
        String requestId = response.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(requestId).matches("[0-9a-f]{12}");
        assertThat(logs.list).anySatisfy(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.WARN);
            assertThat(event.getFormattedMessage()).contains(requestId).contains("'api'")
                    .containsIgnoringCase("refused");
        });
    }

    @Test
    void garbageOnAPooledConnectionIs502AndIsNotSentAgain() throws Exception {
        ScriptedUpstream upstream = scripted((connection, request) ->
                request == 0 ? ScriptedUpstream.OK : "NOT HTTP AT ALL\r\n\r\n");
        RunningProxy proxy = proxyTo(upstream.url());

        assertThat(proxy.get("/api/first").statusCode()).isEqualTo(200);
        HttpResponse<String> second = proxy.get("/api/second");

        assertThat(second.statusCode()).isEqualTo(502);
        assertThat(second.body()).contains("upstream 'api': invalid response")
                .doesNotContain("Exception").doesNotContain("127.0.0.1");
        assertThat(upstream.requests()).as("the GET that got garbage reached the upstream once").isEqualTo(2);
    }

    @Test
    void garbageOnAFreshConnectionIsNotSentAgain() throws Exception {
        ScriptedUpstream upstream = scripted((connection, request) -> "NOT HTTP AT ALL\r\n\r\n");
        RunningProxy proxy = proxyTo(upstream.url());

        assertThat(proxy.get("/api/x").statusCode()).isEqualTo(502);
        assertThat(upstream.requests()).isEqualTo(1);
    }

    @Test
    void idempotentRequestOnAStalePooledConnectionIsSentOnceMore() throws Exception {
        // The first connection serves one request, then takes the next and closes without a byte:
        // what a keep-alive connection the upstream closed while it sat in the pool looks like.
        ScriptedUpstream upstream = scripted((connection, request) ->
                connection == 0 && request == 1 ? null : ScriptedUpstream.OK);
        RunningProxy proxy = proxyTo(upstream.url());

        assertThat(proxy.get("/api/first").statusCode()).isEqualTo(200);
        HttpResponse<String> second = proxy.get("/api/second");

        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(upstream.requests()).isEqualTo(3);
    }

    @Test
    void postOnAStalePooledConnectionIsNotSentAgain() throws Exception {
        ScriptedUpstream upstream = scripted((connection, request) ->
                connection == 0 && request == 1 ? null : ScriptedUpstream.OK);
        RunningProxy proxy = proxyTo(upstream.url());

        assertThat(proxy.get("/api/first").statusCode()).isEqualTo(200);
        HttpResponse<String> post = proxy.send(HttpRequest.newBuilder(URI.create(proxy.url("/api/create")))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());

        assertThat(post.statusCode()).isEqualTo(502);
        assertThat(post.body()).contains("upstream 'api': connection closed");
        assertThat(upstream.requests()).isEqualTo(2);
    }
}
