package dev.rlproxy.server.it;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The proxy's own answers: 404, 413, 502 (refused, reset), 504, each JSON with X-Proxy-Error. */
class ProxyErrorsIntegrationTest {

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private RunningProxy proxyTo(String url, String extraUpstreamYaml) {
        RunningProxy proxy = RunningProxy.start("""
                server:
                  listen: "127.0.0.1:0"
                  maxRequestBody: 1KiB
                queue:
                  maxWait: 2s
                upstreams:
                  api:
                    url: "%s"
                    connectTimeout: 1s
                    responseTimeout: 500ms
                %s
                routes:
                  - match: { pathPrefix: "/api/" }
                    upstream: api
                """.formatted(url, extraUpstreamYaml));
        open.add(proxy);
        return proxy;
    }

    @Test
    void unknownRouteIsJson404AndNothingIsForwarded() {
        RunningProxy proxy = proxyTo("http://127.0.0.1:9", "");
        HttpResponse<String> response = proxy.get("/nowhere/x");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("X-Proxy-Error")).contains("true");
        assertThat(response.body()).contains("\"error\":\"no_route\"").contains("/nowhere/x");
    }

    @Test
    void refusedConnectionIs502AndReleasesTheTicket() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        RunningProxy proxy = proxyTo("http://127.0.0.1:" + closedPort, "");
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> response = proxy.get("/api/x");
            assertThat(response.statusCode()).isEqualTo(502);
            assertThat(response.body()).contains("upstream_unreachable");
        }
        assertThat(proxy.app.limiter().queueDepth()).isZero();
    }

    /** The request never reached the upstream: its token keeps the call (a lease abandoned unsent). */
    @Test
    void aFailedConnectCostsTheTokenNothing() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        RunningProxy proxy = proxyTo("http://127.0.0.1:" + closedPort, """
                    tokens:
                      static: ["tok-1"]
                      defaultLimit: 5
                """);
        for (int i = 0; i < 3; i++) {
            assertThat(proxy.get("/api/x").statusCode()).isEqualTo(502);
        }
        var token = proxy.app.upstreams().get("api").tokens().status().get(0);
        assertThat(token.remaining()).isEqualTo(5);
        assertThat(token.inFlight()).isZero();
    }

    @Test
    void silentUpstreamIs504() throws IOException {
        ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        open.add(silent);
        RunningProxy proxy = proxyTo("http://127.0.0.1:" + silent.getLocalPort(), "");
        HttpResponse<String> response = proxy.get("/api/slow");
        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(response.body()).contains("upstream_timeout");
        assertThat(response.headers().firstValue("X-Proxy-Error")).contains("true");
    }

    @Test
    void upstreamResetIs502() throws IOException {
        ServerSocket resetting = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        open.add(resetting);
        Thread acceptor = new Thread(() -> {
            while (!resetting.isClosed()) {
                try (Socket s = resetting.accept()) {
                    s.getInputStream().read(new byte[512]);
                    s.setSoLinger(true, 0); // RST instead of FIN
                } catch (IOException ignored) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        RunningProxy proxy = proxyTo("http://127.0.0.1:" + resetting.getLocalPort(), "");
        HttpResponse<String> response = proxy.send(HttpRequest.newBuilder(URI.create(proxy.url("/api/x")))
                .POST(HttpRequest.BodyPublishers.ofString("not idempotent")).build());
        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).contains("upstream_unreachable");
    }

    @Test
    void announcedBodyOverTheLimitIs413BeforeAnythingIsForwarded() throws Exception {
        CountDownLatch reached = new CountDownLatch(1);
        HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/", exchange -> {
            reached.countDown();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        upstream.start();
        open.add(() -> upstream.stop(0));
        RunningProxy proxy = proxyTo("http://127.0.0.1:" + upstream.getAddress().getPort(), "");

        HttpResponse<String> response = proxy.send(HttpRequest.newBuilder(URI.create(proxy.url("/api/upload")))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[2048])).build());

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("body_too_large");
        assertThat(reached.await(200, TimeUnit.MILLISECONDS)).isFalse();
    }

    @Test
    void smugglingShapeIsRejectedWith400() throws IOException {
        RunningProxy proxy = proxyTo("http://127.0.0.1:9", "");
        try (Socket socket = new Socket("127.0.0.1", proxy.app.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/x HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("HTTP/1.1 400").contains("X-Proxy-Error: true").contains("bad_request");
        }
    }
}
