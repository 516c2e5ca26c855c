package dev.rlproxy.server.it;

import com.sun.net.httpserver.HttpServer;
import dev.rlproxy.core.config.ConfigLoader;
import dev.rlproxy.core.time.Clock;
import dev.rlproxy.core.usage.QuotaUsage;
import dev.rlproxy.server.ConfigWatcher;
import dev.rlproxy.server.ProxyApplication;
import dev.rlproxy.server.admin.AdminServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/** Quotas through the running proxy: refusals, failover to a fallback upstream and back, exact byte counts, restarts. */
class QuotaIntegrationTest {

    @TempDir
    Path dir;

    /** Real monotonic time (timers, timeouts); a wall clock the test sets, for the calendar. */
    private static final class SettableWallClock implements Clock {
        final AtomicLong wallMillis = new AtomicLong(Instant.parse("2026-12-31T23:59:58Z").toEpochMilli());

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public long wallMillis() {
            return wallMillis.get();
        }
    }

    private final SettableWallClock clock = new SettableWallClock();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private HttpServer primary;
    private HttpServer fallback;

    @BeforeEach
    void upstreams() throws IOException {
        primary = upstream("primary");
        fallback = upstream("fallback");
    }

    @AfterEach
    void stopUpstreams() {
        primary.stop(0);
        fallback.stop(0);
    }

    /**
     * Answers its name; {@code /echo} answers the request body's length with a body of
     * {@code ?n=} bytes, fixed-length or ({@code &chunked}) chunked.
     */
    private static HttpServer upstream(String name) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.createContext("/", exchange -> {
            long received;
            try (InputStream in = exchange.getRequestBody()) {
                received = in.readAllBytes().length;
            }
            String query = exchange.getRequestURI().getQuery();
            byte[] answer = query != null && query.startsWith("n=")
                    ? new byte[Integer.parseInt(query.replaceAll("n=(\\d+).*", "$1"))]
                    : name.getBytes(StandardCharsets.US_ASCII);
            exchange.getResponseHeaders().set("X-Received", Long.toString(received));
            boolean chunked = query != null && query.contains("chunked");
            exchange.sendResponseHeaders(200, chunked ? 0 : answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        server.start();
        return server;
    }

    /** Starts the proxy on free ports with {@code upstreamsAndRoutes} (primary's and fallback's ports as %d, %d). */
    private ProxyApplication start(String upstreamsAndRoutes) throws Exception {
        Path file = dir.resolve("proxy.yaml");
        Files.writeString(file, "server: { listen: \"127.0.0.1:0\" }\nadmin: { listen: \"127.0.0.1:0\" }\n"
                + upstreamsAndRoutes.formatted(primary.getAddress().getPort(), fallback.getAddress().getPort()));
        return ProxyApplication.start(ConfigLoader.load(file, Map.of()), clock);
    }

    private HttpResponse<String> send(ProxyApplication app, HttpRequest.Builder request, String path) throws Exception {
        return client.send(request.uri(URI.create("http://127.0.0.1:" + app.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(ProxyApplication app, String path) throws Exception {
        return send(app, HttpRequest.newBuilder().GET(), path);
    }

    private static final String FAILOVER = """
            upstreams:
              primary:
                url: "http://127.0.0.1:%d"
                quotas:
                  - { name: daily, metric: requests, limit: 3, period: day }
              fallback:
                url: "http://127.0.0.1:%d"
            routes:
              - match: { pathPrefix: "/api/" }
                upstream: [primary, fallback]
              - match: { pathPrefix: "/only/" }
                upstream: primary
            """;

    @Test
    void requestsMoveToTheFallbackWhenThePrimarysQuotaIsSpentAndBackWhenTheDayEnds() throws Exception {
        try (ProxyApplication app = start(FAILOVER)) {
            for (int i = 0; i < 3; i++) {
                assertThat(get(app, "/api/x").body()).isEqualTo("primary");
            }
            assertThat(get(app, "/api/x").body()).as("primary's 3 a day are spent").isEqualTo("fallback");
            assertThat(get(app, "/api/x").body()).isEqualTo("fallback");

            HttpResponse<String> refused = get(app, "/only/x");
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("X-Proxy-Error")).hasValue("true");
            assertThat(refused.headers().firstValue("Retry-After")).as("2 s to midnight UTC").hasValue("2");
            assertThat(refused.body()).contains("\"error\":\"quota_exceeded\"", "quota 'daily'", "upstream 'primary'",
                    "2027-01-01T00:00:00Z");

            try (AdminServer admin = AdminServer.start(app.config().admin(), app,
                    () -> new ConfigWatcher.Outcome(true, "not used", List.of()))) {
                String status = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port()
                        + "/status")).build(), HttpResponse.BodyHandlers.ofString()).body();
                assertThat(status).contains("\"upstreams\":[\"primary\",\"fallback\"]",
                        "\"quotas\":[{\"name\":\"daily\",\"metric\":\"requests\",\"period\":\"2026-12-31\","
                                + "\"scope\":\"upstream\",\"limit\":3,\"used\":3,\"resetsAt\":\"2027-01-01T00:00:00Z\"}]");
            }

            clock.wallMillis.addAndGet(2000); // 2027-01-01T00:00:00Z
            assertThat(get(app, "/api/x").body()).as("a new day: back to the primary").isEqualTo("primary");
            assertThat(get(app, "/only/x").statusCode()).isEqualTo(200);
            assertThat(app.upstreams().get("primary").quotas().usage())
                    .extracting(QuotaUsage::periodKey, QuotaUsage::used).containsExactly(tuple("2027-01-01", 2L));
        }
    }

    @Test
    void bytesAreCountedExactlyForFixedLengthAndChunkedBodiesBothWays() throws Exception {
        try (ProxyApplication app = start("""
                upstreams:
                  primary:
                    url: "http://127.0.0.1:%d"
                    quotas:
                      - { name: up, metric: egress-bytes, limit: 1000000, period: month }
                      - { name: down, metric: ingress-bytes, limit: 1000000, period: day }
                  fallback: { url: "http://127.0.0.1:%d" }
                routes:
                  - match: { pathPrefix: "/api/" }
                    upstream: primary
                """)) {
            byte[] fixed = new byte[1000];
            HttpResponse<String> a = send(app, HttpRequest.newBuilder()
                    .POST(HttpRequest.BodyPublishers.ofByteArray(fixed)), "/api/echo?n=500");
            // ofInputStream has no length: the client sends it chunked.
            HttpResponse<String> b = send(app, HttpRequest.newBuilder()
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[300_000]))),
                    "/api/echo?n=70000&chunked");
            assertThat(a.headers().firstValue("X-Received")).hasValue("1000");
            assertThat(b.headers().firstValue("X-Received")).hasValue("300000");
            assertThat(a.body()).hasSize(500);
            assertThat(b.body()).hasSize(70_000);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(app.upstreams().get("primary").quotas().usage()).extracting(QuotaUsage::used)
                            .containsExactly(301_000L, 70_500L));
        }
    }

    @Test
    void totalsSurviveARestartInTheStateFileBesideTheConfig() throws Exception {
        try (ProxyApplication app = start(FAILOVER)) {
            get(app, "/only/x");
            get(app, "/only/x");
        }
        assertThat(dir.resolve("proxy.yaml.usage")).exists();
        try (ProxyApplication app = start(FAILOVER)) {
            assertThat(get(app, "/only/x").statusCode()).isEqualTo(200);
            assertThat(get(app, "/only/x").statusCode()).as("2 before the restart, 1 after: 3 a day").isEqualTo(429);
            assertThat(get(app, "/api/x").body()).isEqualTo("fallback");
        }
    }

    @Test
    void aReloadChangesTheLimitAndKeepsTheCount() throws Exception {
        try (ProxyApplication app = start(FAILOVER)) {
            for (int i = 0; i < 3; i++) {
                get(app, "/only/x");
            }
            assertThat(get(app, "/only/x").statusCode()).isEqualTo(429);
            Path file = dir.resolve("proxy.yaml");
            Files.writeString(file, Files.readString(file).replace("limit: 3", "limit: 4"));
            app.reload(ConfigLoader.load(file, Map.of()));
            assertThat(get(app, "/only/x").statusCode()).as("the 4th of 4").isEqualTo(200);
            assertThat(get(app, "/only/x").statusCode()).isEqualTo(429);
            assertThat(app.upstreams().get("primary").quotas().usage().get(0).used()).isEqualTo(4);
        }
        assertThat(List.of(Files.readString(dir.resolve("proxy.yaml.usage")).split("\n")))
                .anyMatch(line -> line.startsWith("primary||requests|2026-12-31\t4\t"));
    }
}
