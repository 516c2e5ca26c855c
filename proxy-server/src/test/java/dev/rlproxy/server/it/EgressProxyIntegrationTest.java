package dev.rlproxy.server.it;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.rlproxy.server.tls.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Upstreams reached through an egress proxy. The upstreams are named {@code *.invalid}, which
 * only the test's proxy resolves: an answer proves the connection went through it.
 */
class EgressProxyIntegrationTest {

    private static final TestPki.Issued CA = TestPki.ca("Egress Test CA");
    private static final String CREDENTIALS = "Basic " + Base64.getEncoder()
            .encodeToString("svc:p@ss:word".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path dir;
    private TlsUpstream https;
    private WireMockServer http;
    private TestConnectProxy egress;
    private Path caFile;

    @BeforeEach
    void start() throws Exception {
        https = new TlsUpstream(TestPki.server(CA, "secure.invalid", "localhost"));
        http = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        http.start();
        http.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("plain")));
        egress = new TestConnectProxy(Map.of("secure.invalid", "127.0.0.1", "plain.invalid", "127.0.0.1"),
                CREDENTIALS);
        caFile = TestPki.writeCertificates(dir.resolve("ca.pem"), CA.certificate());
    }

    @AfterEach
    void stop() throws Exception {
        egress.close();
        https.close();
        http.stop();
    }

    @Test
    void httpsUpstreamsAreReachedThroughAConnectTunnelWithTheProxysCredentials() {
        try (RunningProxy proxy = RunningProxy.start(config("secure", "https://secure.invalid:" + https.port(),
                "http://svc:p%40ss%3Aword@127.0.0.1:" + egress.port()))) {
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> response = proxy.get("/secure/x");
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).isEqualTo("secure");
            }
        }

        assertThat(https.requests()).isEqualTo(3);
        assertThat(egress.requestLines).as("one pooled tunnel carried every request")
                .containsExactly("CONNECT secure.invalid:" + https.port() + " HTTP/1.1");
        assertThat(egress.authorizations).containsExactly(CREDENTIALS);
    }

    @Test
    void plainHttpUpstreamsAreAskedForInAbsoluteForm() {
        try (RunningProxy proxy = RunningProxy.start(config("plain", "http://plain.invalid:" + http.port(),
                "http://svc:p%40ss%3Aword@127.0.0.1:" + egress.port()))) {
            HttpResponse<String> response = proxy.get("/plain/repos?q=1");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("plain");
        }

        assertThat(egress.requestLines).containsExactly(
                "GET http://plain.invalid:" + http.port() + "/repos?q=1 HTTP/1.1");
        assertThat(egress.authorizations).containsExactly(CREDENTIALS);
        assertThat(http.getAllServeEvents().get(0).getRequest().getHeader("Host"))
                .isEqualTo("plain.invalid:" + http.port());
    }

    @Test
    void aProxyRefusingTheTunnelGivesA502NamingTheEgressProxy() {
        try (RunningProxy proxy = RunningProxy.start(config("secure", "https://secure.invalid:" + https.port(),
                "http://svc:wrong@127.0.0.1:" + egress.port()))) {
            HttpResponse<String> response = proxy.get("/secure/x");

            assertThat(response.statusCode()).isEqualTo(502);
            assertThat(response.body()).isEqualTo("{\"error\":\"upstream_unreachable\",\"detail\":"
                    + "\"upstream 'api': egress proxy: CONNECT refused\"}");
            assertThat(response.body()).doesNotContain("wrong");
        }
        assertThat(https.requests()).isZero();
    }

    @Test
    void anUnreachableProxyGivesA502NamingTheEgressProxy() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (RunningProxy proxy = RunningProxy.start(config("secure", "https://secure.invalid:" + https.port(),
                "http://127.0.0.1:" + closedPort))) {
            HttpResponse<String> response = proxy.get("/secure/x");

            assertThat(response.statusCode()).isEqualTo(502);
            assertThat(response.body()).contains("\"upstream 'api': egress proxy: connection refused\"");
        }
    }

    @Test
    void fromTheEnvironmentHttpsProxyIsUsedExceptForNoProxyHosts() {
        String yaml = """
                server: { listen: "127.0.0.1:0" }
                upstreams:
                  far: { url: "https://secure.invalid:%1$d", egressProxy: env, tls: { caFile: "%2$s" } }
                  near: { url: "https://localhost:%1$d", egressProxy: env, tls: { caFile: "%2$s" } }
                routes:
                  - match: { pathPrefix: "/far/" }
                    upstream: far
                  - match: { pathPrefix: "/near/" }
                    upstream: near
                """.formatted(https.port(), caFile);
        Map<String, String> environment = Map.of(
                "HTTPS_PROXY", "http://svc:p%40ss%3Aword@127.0.0.1:" + egress.port(),
                "NO_PROXY", "example.com, .localhost,127.0.0.1");
        try (RunningProxy proxy = RunningProxy.start(yaml, Map.of(), environment)) {
            assertThat(proxy.get("/far/x").body()).isEqualTo("secure");
            assertThat(proxy.get("/near/x").body()).isEqualTo("secure");
        }

        assertThat(https.requests()).isEqualTo(2);
        assertThat(egress.requestLines).as("only the upstream NO_PROXY does not list went through the proxy")
                .containsExactly("CONNECT secure.invalid:" + https.port() + " HTTP/1.1");
    }

    private String config(String route, String url, String egressProxy) {
        return """
                server: { listen: "127.0.0.1:0" }
                upstreams:
                  api: { url: "%s", egressProxy: "%s"%s }
                routes:
                  - match: { pathPrefix: "/%s/" }
                    upstream: api
                """.formatted(url, egressProxy, url.startsWith("https") ? ", tls: { caFile: \"" + caFile + "\" }" : "",
                route);
    }
}
