package dev.rlproxy.server.it;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Client connections cannot hold the proxy forever: slowloris heads get 408, idle keep-alive
 * connections are closed, stalled bodies get 408 (and never reach the upstream whole), and
 * connections over the caps are closed at accept while other clients are still served.
 */
class ClientTimeoutsAndCapsIntegrationTest {

    private final List<AutoCloseable> open = new ArrayList<>();
    private final AtomicInteger upstreamRequests = new AtomicInteger();
    private String upstreamUrl;

    @BeforeEach
    void upstream() throws IOException {
        HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/", exchange -> {
            upstreamRequests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            byte[] ok = "ok".getBytes();
            exchange.sendResponseHeaders(200, ok.length);
            exchange.getResponseBody().write(ok);
            exchange.close();
        });
        upstream.start();
        open.add(() -> upstream.stop(0));
        upstreamUrl = "http://127.0.0.1:" + upstream.getAddress().getPort();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private RunningProxy proxy(String serverYaml, String url) {
        RunningProxy proxy = RunningProxy.start("""
                server: { listen: "127.0.0.1:0", %s }
                upstreams:
                  api: { url: "%s" }
                routes:
                  - match: { pathPrefix: "/api/" }
                    upstream: api
                """.formatted(serverYaml, url));
        open.add(proxy);
        return proxy;
    }

    private RawClient client(RunningProxy proxy, String from) throws IOException {
        RawClient client = new RawClient(proxy.app.port(), from);
        open.add(client);
        return client;
    }

    @Test
    void slowlorisHeadGets408AndIsClosedAlthoughBytesKeepComing() throws Exception {
        RunningProxy proxy = proxy("headerTimeout: 600ms", upstreamUrl);
        RawClient slow = client(proxy, "127.0.0.1");
        ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor();
        open.add(drip::shutdownNow);
        slow.send("GET /api/x HTTP/1.1\r\nHost: proxy\r\n");
        drip.scheduleAtFixedRate(() -> {
            try {
                slow.send("X-Slow: a\r\n");
            } catch (IOException closed) {
                // the proxy hung up: what we wait for
            }
        }, 0, 100, TimeUnit.MILLISECONDS);

        String answer = slow.readUntilClosed();

        assertThat(answer).startsWith("HTTP/1.1 408").contains("X-Proxy-Error: true").contains("\"request_timeout\"");
        assertThat(upstreamRequests).hasValue(0);
    }

    @Test
    void silentNewConnectionIsClosedByTheHeaderTimeout() throws Exception {
        RunningProxy proxy = proxy("headerTimeout: 300ms", upstreamUrl);
        RawClient silent = client(proxy, "127.0.0.1");
        assertThat(silent.readUntilClosed()).startsWith("HTTP/1.1 408");
    }

    @Test
    void idleKeepAliveConnectionIsClosedQuietly() throws Exception {
        RunningProxy proxy = proxy("idleTimeout: 300ms", upstreamUrl);
        RawClient client = client(proxy, "127.0.0.1");
        client.send("GET /api/x HTTP/1.1\r\nHost: proxy\r\n\r\n");
        assertThat(client.readResponse()).startsWith("HTTP/1.1 200").endsWith("ok");
        client.send("GET /api/y HTTP/1.1\r\nHost: proxy\r\n\r\n");
        assertThat(client.readResponse()).startsWith("HTTP/1.1 200");

        assertThat(client.readUntilClosed()).isEmpty();
        assertThat(upstreamRequests).hasValue(2);
    }

    @Test
    void stalledBufferedBodyGets408AndNothingIsForwarded() throws Exception {
        RunningProxy proxy = proxy("bodyTimeout: 300ms", upstreamUrl);
        RawClient client = client(proxy, "127.0.0.1");
        client.send("POST /api/x HTTP/1.1\r\nHost: proxy\r\nContent-Length: 100\r\n\r\nonly ten b");

        assertThat(client.readUntilClosed()).startsWith("HTTP/1.1 408").contains("\"request_timeout\"");
        assertThat(upstreamRequests).hasValue(0);
    }

    @Test
    void stalledChunkedBodyGets408AndTheUpstreamNeverSeesAnEnd() throws Exception {
        RecordingUpstream recording = new RecordingUpstream();
        open.add(recording);
        RunningProxy proxy = proxy("bodyTimeout: 300ms", recording.url());
        RawClient client = client(proxy, "127.0.0.1");
        client.send("POST /api/x HTTP/1.1\r\nHost: proxy\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nfirst\r\n");

        assertThat(client.readUntilClosed()).startsWith("HTTP/1.1 408");
        await().atMost(Duration.ofSeconds(10)).until(() -> recording.connections().get(0).closedByProxy());
        assertThat(recording.allText()).contains("first").doesNotContain("\r\n0\r\n\r\n");
    }

    @Test
    void perClientCapRefusesTheNextConnectionWhileOtherClientsAreServed() throws Exception {
        RunningProxy proxy = proxy("maxConnections: 10, maxConnectionsPerClient: 2", upstreamUrl);
        RawClient first = client(proxy, "127.0.0.1");
        client(proxy, "127.0.0.1");

        RawClient third = client(proxy, "127.0.0.1");
        assertThat(third.readUntilClosed()).as("refused at accept, no answer").isEmpty();

        RawClient other = client(proxy, "127.0.0.2");
        other.send("GET /api/x HTTP/1.1\r\nHost: proxy\r\nConnection: close\r\n\r\n");
        assertThat(other.readUntilClosed()).startsWith("HTTP/1.1 200");

        first.send("GET /api/x HTTP/1.1\r\nHost: proxy\r\n\r\n");
        assertThat(first.readResponse()).as("held connections still work").startsWith("HTTP/1.1 200");
        first.close();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            RawClient again = new RawClient(proxy.app.port());
            try (again) {
                again.send("GET /api/x HTTP/1.1\r\nHost: proxy\r\nConnection: close\r\n\r\n");
                assertThat(again.readUntilClosed()).startsWith("HTTP/1.1 200");
            }
        });
    }

    @Test
    void totalCapRefusesTheNextConnection() throws Exception {
        RunningProxy proxy = proxy("maxConnections: 3, maxConnectionsPerClient: 3", upstreamUrl);
        client(proxy, "127.0.0.1");
        client(proxy, "127.0.0.2");
        client(proxy, "127.0.0.3");

        assertThat(client(proxy, "127.0.0.4").readUntilClosed()).isEmpty();
        assertThat(upstreamRequests).hasValue(0);
    }
}
