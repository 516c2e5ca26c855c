package dev.rlproxy.server.it;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpServer;
import dev.rlproxy.server.simulator.SimulatorSpec;
import dev.rlproxy.server.simulator.UpstreamSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A throttled answer is information, not a verdict; warm connections; paced connection opening;
 * connects that fail before anything was sent are tried again.
 */
class ThrottleBackoffAndConnectsIntegrationTest {

    private static final String TOKEN = "it-backoff-token-0001";

    private final List<AutoCloseable> open = new ArrayList<>();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void captureLogs() {
        logs.start();
        root().addAppender(logs);
    }

    @AfterEach
    void closeAll() throws Exception {
        root().detachAppender(logs);
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private static Logger root() {
        return ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    @Test
    void aThrottleWithoutRetryAfterCostsTheBackOffNotAStallAndQueuedRequestsKeepWaiting() throws IOException {
        // The first answer is a bare 429; every later one is fine.
        AtomicInteger seen = new AtomicInteger();
        HttpServer upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        upstream.createContext("/", exchange -> {
            int status = seen.getAndIncrement() == 0 ? 429 : 200;
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        upstream.start();
        open.add(() -> upstream.stop(0));
        RunningProxy proxy = RunningProxy.start("""
                server: { listen: "127.0.0.1:0" }
                queue: { maxWait: 60s }
                upstreams:
                  api:
                    url: "http://127.0.0.1:%d"
                    tokens:
                      static: ["${TOKEN}"]
                routes:
                  - match: { pathPrefix: "/api/" }
                    upstream: api
                """.formatted(upstream.getAddress().getPort()), Map.of("TOKEN", TOKEN));
        open.add(proxy);

        long start = System.nanoTime();
        ConcurrentLoad load = ConcurrentLoad.run(proxy.client, proxy.url("/api/things/"), 20, 20);
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(load.proxyRefusals.get()).as("no queued request refused by the proxy").isZero();
        assertThat(load.count(429)).as("only the upstream's own answer").isEqualTo(1);
        assertThat(load.count(200)).isEqualTo(19);
        // The back-off is 1 s; before, a bare 429 benched the token for 61 s.
        assertThat(tookMillis).as("the back-off, not a stall").isLessThan(10_000);
        assertThat(logs.list).noneMatch(event -> event.getFormattedMessage().contains(TOKEN));
    }

    @Test
    void aRefusedConnectIsTriedAgainOnAFreshConnectionAndLogged() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort(); // free again once closed: connects are refused
        }
        RunningProxy proxy = RunningProxy.start("""
                server: { listen: "127.0.0.1:0" }
                queue: { maxWait: 10s }
                upstreams:
                  late:
                    url: "http://127.0.0.1:%d"
                routes:
                  - match: { pathPrefix: "/api/" }
                    upstream: late
                """.formatted(port));
        open.add(proxy);

        CompletableFuture<HttpResponse<String>> response = proxy.client.sendAsync(
                HttpRequest.newBuilder(URI.create(proxy.url("/api/x"))).build(), HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(2)).until(() -> logs.list.stream()
                .anyMatch(event -> event.getFormattedMessage().contains("upstream 'late': connect failed before the request was sent")));
        // The upstream comes up between the attempts (it had a full accept backlog, say).
        HttpServer upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        upstream.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        upstream.start();
        open.add(() -> upstream.stop(0));

        assertThat(response.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(logs.list).filteredOn(event -> event.getLevel() == ch.qos.logback.classic.Level.WARN
                && event.getFormattedMessage().contains("trying a fresh connection")).isNotEmpty();
    }

    @Test
    void warmConnectionsOpenAtStartAndAreReplacedWhenTheUpstreamClosesThem() throws IOException {
        UpstreamSimulator upstream = UpstreamSimulator.start(SimulatorSpec.none(100, Duration.ofSeconds(1)));
        open.add(upstream);
        SlowConnectRelay relay = new SlowConnectRelay(upstream.port(), 0);
        open.add(relay);
        RunningProxy proxy = RunningProxy.start("""
                server: { listen: "127.0.0.1:0" }
                upstreams:
                  api:
                    url: "%s"
                    pool: { minIdle: 4 }
                routes:
                  - match: { pathPrefix: "/api/" }
                    upstream: api
                """.formatted(relay.baseUrl()));
        open.add(proxy);

        await().atMost(Duration.ofSeconds(5)).until(() -> relay.connectionsAccepted() >= 4);
        assertThat(relay.connectionsAccepted()).as("exactly the warm ones").isEqualTo(4);
        assertThat(upstream.requestsSeen()).as("warming sends no request").isZero();

        relay.dropAll(); // the upstream closes idle keep-alive connections

        await().atMost(Duration.ofSeconds(5)).until(() -> relay.connectionsAccepted() >= 8);
        assertThat(proxy.get("/api/x").statusCode()).isEqualTo(200);
    }

    @Test
    void aCrowdOfClientsOpensConnectionsAtAPacedRate() throws IOException {
        UpstreamSimulator upstream = UpstreamSimulator.start(SimulatorSpec.none(10_000, Duration.ofSeconds(1))
                .withLatency(Duration.ofMillis(200)));
        open.add(upstream);
        SlowConnectRelay relay = new SlowConnectRelay(upstream.port(), 0);
        open.add(relay);
        RunningProxy proxy = RunningProxy.start("""
                server: { listen: "127.0.0.1:0" }
                queue: { maxWait: 30s }
                upstreams:
                  api:
                    url: "%s"
                    pool: { maxConnectsPerSecond: 20 }
                routes:
                  - match: { pathPrefix: "/api/" }
                    upstream: api
                """.formatted(relay.baseUrl()));
        open.add(proxy);

        // A route each: the proxy's one-at-a-time rule for routes it has heard nothing about does
        // not serialise them, so the crowd really needs many connections at once.
        ConcurrentLoad load = ConcurrentLoad.run(proxy.client, proxy.url("/api/item-"), 60, 60);

        assertThat(load.count(200)).as("every request served, none refused for a failed connect").isEqualTo(60);
        assertThat(relay.connectionsAccepted()).as("the crowd did need many connections").isGreaterThan(10);
        long[] opened = relay.acceptedAt.stream().mapToLong(Long::longValue).sorted().toArray();
        // 20 a second, two at once: the n-th connection opens no sooner than (n - 2) x 50 ms after
        // the first. Seen from the relay, the first may show up a little late (its own scheduling),
        // hence the 300 ms of slack; unpaced, all of them would arrive within a few milliseconds.
        long spanMillis = TimeUnit.NANOSECONDS.toMillis(opened[opened.length - 1] - opened[0]);
        assertThat(spanMillis).as("time over which %d connections were opened", opened.length)
                .isGreaterThanOrEqualTo((opened.length - 2) * 50L - 300);
    }
}
