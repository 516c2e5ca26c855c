package dev.rlproxy.server.it;

import dev.rlproxy.core.tokens.Fingerprint;
import dev.rlproxy.core.tokens.TokenStatus;
import dev.rlproxy.server.tls.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code http2: auto} against real TLS servers with ALPN: a Netty HTTP/2 server (which also speaks
 * HTTP/1.1 when asked), an HTTP/1.1-only one, and the JDK's HTTPS server that offers no ALPN at all.
 * The servers record the protocol, connection and stream of every request.
 */
class Http2UpstreamIntegrationTest {

    private static final TestPki.Issued CA = TestPki.ca("HTTP/2 Test CA");
    private static final TestPki.Issued CERTIFICATE = TestPki.server(CA, "localhost", "h2.invalid");
    private static final String TOKEN = "ghp_h2token";

    @TempDir
    Path dir;
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    @Test
    void requestsGoOverH2WithConnectionHeadersTranslated() throws Exception {
        Http2Upstream upstream = upstream(true, 100);
        RunningProxy proxy = proxy(upstream.port(), "auto", "");

        try (RawClient client = new RawClient(proxy.app.port())) {
            client.send("POST /api/things?q=1 HTTP/1.1\r\nHost: proxy.local\r\nConnection: keep-alive, X-Hop\r\n"
                    + "Keep-Alive: timeout=5\r\nX-Hop: gone\r\nTE: trailers\r\nUpgrade: websocket\r\n"
                    + "X-Kept: yes\r\nContent-Length: 5\r\n\r\nhello");
            String response = client.readResponse();
            assertThat(response).startsWith("HTTP/1.1 200 OK").endsWith("h2 says hi")
                    .doesNotContainIgnoringCase("x-http2-");
        }
        // A chunked request body becomes DATA frames: Transfer-Encoding does not exist in HTTP/2.
        try (RawClient client = new RawClient(proxy.app.port())) {
            client.send("PUT /api/chunked HTTP/1.1\r\nHost: proxy.local\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
            assertThat(client.readResponse()).startsWith("HTTP/1.1 200 OK");
        }

        assertThat(upstream.arrivals).hasSize(2).allSatisfy(arrival -> {
            assertThat(arrival.protocol()).isEqualTo("h2");
            assertThat(arrival.authority()).isEqualTo("localhost:" + upstream.port());
            assertThat(arrival.headers()).doesNotContainKeys("connection", "keep-alive", "x-hop", "upgrade",
                    "transfer-encoding", "host", "te", "x-http2-scheme");
        });
        Http2Upstream.Arrival post = upstream.arrivals.get(0);
        assertThat(post.method()).isEqualTo("POST");
        assertThat(post.path()).isEqualTo("/things?q=1");
        assertThat(post.headers()).containsEntry("x-kept", "yes").containsEntry(":scheme", "https");
        assertThat(post.body()).isEqualTo("hello");
        assertThat(upstream.arrivals.get(1).body()).isEqualTo("abcde");
        assertThat(upstream.arrivals.get(1).streamId()).as("odd: a stream the client opened").isOdd();
    }

    @Test
    void manyConcurrentRequestsShareFewConnectionsAsStreams() throws Exception {
        Http2Upstream upstream = upstream(true, 100);
        RunningProxy proxy = proxy(upstream.port(), "auto", "");

        ConcurrentLoad load = ConcurrentLoad.run(proxy.client, proxy.url("/api/slow/"), 40, 40);

        assertThat(load.count(200)).isEqualTo(40);
        assertThat(upstream.arrivals).hasSize(40).allSatisfy(a -> assertThat(a.protocol()).isEqualTo("h2"));
        // One connection per event loop of the proxy at most (its clients' requests stay on their loop).
        assertThat(upstream.connections()).isLessThanOrEqualTo(2L * Runtime.getRuntime().availableProcessors());
        assertThat(upstream.mostStreamsAtOnce()).as("streams multiplexed on one connection").isGreaterThan(1);
        assertThat(upstream.arrivals.stream().map(a -> a.connection() + "/" + a.streamId()).distinct())
                .as("every request its own stream").hasSize(40);
    }

    @Test
    void theServersMaxConcurrentStreamsIsRespectedWithMoreConnections() throws Exception {
        Http2Upstream upstream = upstream(true, 3);
        RunningProxy proxy = proxy(upstream.port(), "auto", "");

        ConcurrentLoad load = ConcurrentLoad.run(proxy.client, proxy.url("/api/slow/"), 24, 24);

        assertThat(load.count(200)).isEqualTo(24);
        assertThat(upstream.mostStreamsAtOnce()).isLessThanOrEqualTo(3);
        assertThat(upstream.connections()).isGreaterThan(1);
        assertThat(upstream.arrivals).allSatisfy(a -> assertThat(a.protocol()).isEqualTo("h2"));
    }

    @Test
    void aStreamResetIsA502AndTheConnectionCarriesOn() throws Exception {
        Http2Upstream upstream = upstream(true, 100);
        RunningProxy proxy = proxy(upstream.port(), "auto", "");

        assertThat(proxy.get("/api/first").statusCode()).isEqualTo(200);
        HttpResponse<String> reset = proxy.get("/api/reset");
        HttpResponse<String> after = proxy.get("/api/after");

        assertThat(reset.statusCode()).isEqualTo(502);
        assertThat(reset.headers().firstValue("X-Proxy-Error")).contains("true");
        assertThat(reset.body()).isEqualTo("{\"error\":\"upstream_unreachable\",\"detail\":"
                + "\"upstream 'api': connection closed or reset\"}");
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(upstream.arrivals.stream().filter(a -> a.path().equals("/reset")))
                .as("a reset stream was seen by the upstream: not sent again, even though it is a GET")
                .hasSize(1);
        assertThat(upstream.connections()).as("only the stream was reset").isEqualTo(1);
    }

    @Test
    void aStreamTheUpstreamRefusedIsSentAgain() throws Exception {
        Http2Upstream upstream = upstream(true, 100);
        RunningProxy proxy = proxy(upstream.port(), "auto", "");

        HttpResponse<String> response = proxy.get("/api/refuse-once");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(upstream.arrivals).extracting(Http2Upstream.Arrival::path).containsExactly("/refuse-once", "/refuse-once");
    }

    @Test
    void anIdempotentRequestOnAConnectionThatServedBeforeIsResentWhenTheConnectionCloses() throws Exception {
        Http2Upstream upstream = upstream(true, 100);
        RunningProxy proxy = proxy(upstream.port(), "auto", "");

        assertThat(proxy.get("/api/first").statusCode()).isEqualTo(200);
        HttpResponse<String> response = proxy.get("/api/close-once");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(upstream.arrivals).extracting(Http2Upstream.Arrival::path)
                .containsExactly("/first", "/close-once", "/close-once");
        assertThat(upstream.connections()).as("sent again on a new connection").isEqualTo(2);
    }

    @Test
    void aConfiguredBucketHoldsAtTheUpstreamOverH2() throws Exception {
        Http2Upstream upstream = upstream(true, 100);
        // The margin covers the latency between the proxy's write and the test server's clock, which
        // on a loaded test machine includes the server thread's scheduling delays.
        RunningProxy proxy = proxy(upstream.port(), "auto",
                ", windowMargin: 500ms, buckets: [{ name: b, limit: 4, per: 2s }]");

        ConcurrentLoad load = ConcurrentLoad.run(proxy.client, proxy.url("/api/x/"), 12, 12);

        assertThat(load.count(200)).isEqualTo(12);
        List<Long> arrivals = upstream.arrivals.stream().map(Http2Upstream.Arrival::nanoTime).sorted().toList();
        assertThat(upstream.arrivals).allSatisfy(a -> assertThat(a.protocol()).isEqualTo("h2"));
        for (int i = 0; i + 4 < arrivals.size(); i++) {
            assertThat(arrivals.get(i + 4) - arrivals.get(i)).as("5 arrivals at the upstream within 2 s")
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(2).toNanos());
        }
    }

    @Test
    void noResponseHeadWithinTheResponseTimeoutIsA504() throws Exception {
        Http2Upstream upstream = upstream(true, 100);
        RunningProxy proxy = proxy(upstream.port(), "auto", ", responseTimeout: 100ms");

        HttpResponse<String> slow = proxy.get("/api/slow");

        assertThat(slow.statusCode()).isEqualTo(504);
        assertThat(slow.body()).contains("\"error\":\"upstream_timeout\"");
        assertThat(proxy.get("/api/quick").statusCode()).isEqualTo(200);
        assertThat(upstream.connections()).isEqualTo(1);
    }

    @Test
    void http2OffSpeaksHttp1ToTheSameServer() throws Exception {
        Http2Upstream upstream = upstream(true, 100);
        RunningProxy proxy = proxy(upstream.port(), "off", "");

        HttpResponse<String> response = proxy.get("/api/x");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("h1 says hi");
        assertThat(upstream.arrivals).singleElement().satisfies(a -> assertThat(a.protocol()).isEqualTo("http/1.1"));
    }

    @Test
    void anHttp1OnlyServerIsSpokenToInHttp1WithAuto() throws Exception {
        Http2Upstream upstream = upstream(false, 100);
        RunningProxy proxy = proxy(upstream.port(), "auto", ", pool: { minIdle: 2 }");

        ConcurrentLoad load = ConcurrentLoad.run(proxy.client, proxy.url("/api/x/"), 20, 5);

        assertThat(load.count(200)).isEqualTo(20);
        assertThat(upstream.arrivals).hasSize(20).allSatisfy(a -> assertThat(a.protocol()).isEqualTo("http/1.1"));
    }

    @Test
    void aServerWithoutAlpnIsSpokenToInHttp1WithAuto() throws Exception {
        TlsUpstream upstream = new TlsUpstream(CERTIFICATE);
        open.add(upstream);
        RunningProxy proxy = proxy(upstream.port(), "auto", "");

        for (int i = 0; i < 3; i++) {
            HttpResponse<String> response = proxy.get("/api/x");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("secure");
        }
        assertThat(upstream.requests()).isEqualTo(3);
    }

    @Test
    void rateLimitHeadersOfH2ResponsesAreRead() throws Exception {
        Http2Upstream upstream = upstream(true, 100);
        RunningProxy proxy = proxy(upstream.port(), "auto", ", tokens: { static: [\"" + TOKEN + "\"] }");

        HttpResponse<String> first = proxy.get("/api/limited");
        HttpResponse<String> second = proxy.get("/api/limited");

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(upstream.arrivals.get(0).headers()).containsEntry("authorization", "Bearer " + TOKEN);
        TokenStatus token = proxy.app.upstreams().get("api").tokens().status().get(0);
        assertThat(token.fingerprint()).isEqualTo(Fingerprint.of(TOKEN));
        assertThat(token.limit()).isEqualTo(5000);
        assertThat(token.remaining()).isZero();
        assertThat(second.statusCode()).as("the spent token's reset is a minute away, beyond maxWait").isEqualTo(429);
        assertThat(second.headers().firstValue("X-Proxy-Error")).contains("true");
        assertThat(upstream.arrivals).hasSize(1);
    }

    @Test
    void throughAnEgressProxyTheTunnelCarriesH2() throws Exception {
        Http2Upstream upstream = upstream(true, 100);
        TestConnectProxy egress = new TestConnectProxy(Map.of("h2.invalid", "127.0.0.1"), null);
        open.add(egress);
        Path caFile = TestPki.writeCertificates(dir.resolve("ca.pem"), CA.certificate());
        RunningProxy proxy = RunningProxy.start("""
                server: { listen: "127.0.0.1:0" }
                upstreams:
                  api: { url: "https://h2.invalid:%d", http2: auto, dialect: github, egressProxy: "http://127.0.0.1:%d",
                         tls: { caFile: "%s" } }
                routes:
                  - match: { pathPrefix: "/api/" }
                    upstream: api
                """.formatted(upstream.port(), egress.port(), caFile));
        open.add(proxy);

        ConcurrentLoad load = ConcurrentLoad.run(proxy.client, proxy.url("/api/slow/"), 10, 10);

        assertThat(load.count(200)).isEqualTo(10);
        assertThat(upstream.arrivals).hasSize(10).allSatisfy(a -> {
            assertThat(a.protocol()).isEqualTo("h2");
            assertThat(a.authority()).isEqualTo("h2.invalid:" + upstream.port());
        });
        assertThat(egress.requestLines).as("every connection went through the tunnel")
                .hasSize((int) upstream.connections())
                .allSatisfy(line -> assertThat(line).isEqualTo("CONNECT h2.invalid:" + upstream.port() + " HTTP/1.1"));
    }

    private Http2Upstream upstream(boolean offerHttp2, int maxStreams) throws Exception {
        Http2Upstream upstream = new Http2Upstream(CERTIFICATE, offerHttp2, maxStreams);
        open.add(upstream);
        return upstream;
    }

    private RunningProxy proxy(int port, String http2, String more) {
        Path caFile = TestPki.writeCertificates(dir.resolve("ca.pem"), CA.certificate());
        RunningProxy proxy = RunningProxy.start("""
                server: { listen: "127.0.0.1:0" }
                queue: { maxWait: 30s }
                upstreams:
                  api: { url: "https://localhost:%d", http2: %s, dialect: github, tls: { caFile: "%s" }%s }
                routes:
                  - match: { pathPrefix: "/api/" }
                    upstream: api
                """.formatted(port, http2, caFile, more));
        open.add(proxy);
        return proxy;
    }
}
