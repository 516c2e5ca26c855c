package dev.rlproxy.server.it;

import com.github.tomakehurst.wiremock.http.HttpHeaders;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.rlproxy.server.simulator.SimulatorSpec;
import dev.rlproxy.server.simulator.UpstreamSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the upstream receives: its own path (dot segments resolved, inside its base path) and Host,
 * forwarding headers only as configured, no hop-by-hop headers.
 */
class ForwardingIntegrationTest {

    private static final String CLIENT_REQUEST = "GET /api/repos/a/b?per_page=5 HTTP/1.1\r\n"
            + "Host: proxy.internal:8080\r\n"
            + "Connection: close, X-Hop\r\n"
            + "X-Hop: secret-hop\r\n"
            + "Keep-Alive: timeout=5\r\n"
            + "Proxy-Authorization: Basic Zm9vOmJhcg==\r\n"
            + "X-Forwarded-For: 10.1.2.3\r\n"
            + "Forwarded: for=10.1.2.3\r\n"
            + "X-Real-IP: 10.1.2.3\r\n"
            + "Via: 1.1 inner-proxy\r\n"
            + "Accept: application/json\r\n\r\n";

    private UpstreamSimulator upstream;
    private RunningProxy proxy;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private void start(String serverKeys, String upstreamKeys) {
        upstream = UpstreamSimulator.start(SimulatorSpec.none(100, Duration.ofSeconds(1)).withRequestJournal(true));
        proxy = RunningProxy.start("""
                server: { listen: "127.0.0.1:0" %s }
                upstreams:
                  api: { url: "%s/v3" %s }
                routes:
                  - match: { pathPrefix: "/api/" }
                    upstream: api
                """.formatted(serverKeys, upstream.baseUrl(), upstreamKeys));
    }

    private String send(String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", proxy.app.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private List<LoggedRequest> seen() {
        return upstream.wireMock().getAllServeEvents().stream().map(e -> e.getRequest()).toList();
    }

    private HttpHeaders onlyRequestHeaders() {
        assertThat(seen()).hasSize(1);
        return seen().get(0).getHeaders();
    }

    @Test
    void rewritesTheRequestAndSendsNoForwardingHeadersByDefault() throws Exception {
        start("", "");

        String answer = send(CLIENT_REQUEST);

        assertThat(answer).startsWith("HTTP/1.1 200").containsIgnoringCase("connection: close");
        LoggedRequest seen = seen().get(0);
        HttpHeaders headers = onlyRequestHeaders();
        assertThat(seen.getUrl()).isEqualTo("/v3/repos/a/b?per_page=5");
        assertThat(headers.getHeader("Host").firstValue()).isEqualTo("127.0.0.1:" + upstream.port());
        assertThat(headers.getHeader("Accept").firstValue()).isEqualTo("application/json");
        assertThat(headers.keys()).map(String::toLowerCase)
                .doesNotContain("x-hop", "keep-alive", "proxy-authorization")
                .doesNotContain("x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "forwarded",
                        "x-real-ip", "via");
    }

    @Test
    void xForwardedReplacesWhatAnUntrustedClientSent() throws Exception {
        start("", ", forwardedHeaders: x-forwarded");

        send(CLIENT_REQUEST);

        HttpHeaders headers = onlyRequestHeaders();
        assertThat(headers.getHeader("X-Forwarded-For").firstValue()).isEqualTo("127.0.0.1");
        assertThat(headers.getHeader("X-Forwarded-Host").firstValue()).isEqualTo("proxy.internal:8080");
        assertThat(headers.getHeader("X-Forwarded-Proto").firstValue()).isEqualTo("http");
        assertThat(headers.keys()).map(String::toLowerCase).doesNotContain("forwarded", "x-real-ip", "via");
    }

    @Test
    void xForwardedAppendsToWhatATrustedClientSent() throws Exception {
        start(", trustForwardedHeaders: true", ", forwardedHeaders: x-forwarded");

        send(CLIENT_REQUEST);

        HttpHeaders headers = onlyRequestHeaders();
        assertThat(headers.getHeader("X-Forwarded-For").firstValue()).isEqualTo("10.1.2.3, 127.0.0.1");
        assertThat(headers.getHeader("X-Real-IP").firstValue()).isEqualTo("10.1.2.3");
        assertThat(headers.getHeader("Via").firstValue()).isEqualTo("1.1 inner-proxy");
    }

    @Test
    void forwardedHeaderFollowsRfc7239() throws Exception {
        start(", trustForwardedHeaders: true", ", forwardedHeaders: forwarded");

        send(CLIENT_REQUEST);

        assertThat(onlyRequestHeaders().getHeader("Forwarded").firstValue())
                .isEqualTo("for=10.1.2.3, for=127.0.0.1;host=\"proxy.internal:8080\";proto=http");
    }

    @Test
    void bareprefixAndQueryReachTheUpstreamRoot() throws Exception {
        start("", "");

        assertThat(send("GET /api HTTP/1.1\r\nHost: p\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 200");
        assertThat(send("GET /api?q=1 HTTP/1.1\r\nHost: p\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 200");

        assertThat(seen()).map(LoggedRequest::getUrl).containsExactlyInAnyOrder("/v3/", "/v3/?q=1");
    }

    @Test
    void dotSegmentsNeverLeaveTheBasePath() throws Exception {
        start("", "");

        assertThat(send("GET /api/../../admin HTTP/1.1\r\nHost: p\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 404");
        assertThat(send("GET /api/%2e%2e/%2E%2E/admin HTTP/1.1\r\nHost: p\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 404");
        assertThat(send("GET /api/..%2f..%2fadmin HTTP/1.1\r\nHost: p\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 400").contains("bad_request");
        assertThat(send("GET /api/repos/../users HTTP/1.1\r\nHost: p\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 200");

        assertThat(seen()).map(LoggedRequest::getUrl).containsExactly("/v3/users");
    }

    @Test
    void traceIsRefused() throws Exception {
        start("", "");

        assertThat(send("TRACE /api/x HTTP/1.1\r\nHost: p\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 405").contains("X-Proxy-Error: true").contains("method_not_allowed")
                .contains("allow: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
        assertThat(seen()).isEmpty();
    }
}
