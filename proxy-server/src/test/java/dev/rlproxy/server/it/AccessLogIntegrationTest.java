package dev.rlproxy.server.it;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rlproxy.core.tokens.Fingerprint;
import dev.rlproxy.server.metrics.AccessLog;
import dev.rlproxy.server.simulator.SimulatorSpec;
import dev.rlproxy.server.simulator.UpstreamSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** One access-log line per request — a relayed 200, the proxy's 429, a 502 — without secrets; JSON via Logback's encoder. */
class AccessLogIntegrationTest {

    private static final String TOKEN = "access-log-pooled-secret";
    private static final String CLIENT_SECRET = "client-own-authorization-secret";
    private static final String QUERY_SECRET = "query-string-secret";

    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
    private final Logger accessLogger = (Logger) LoggerFactory.getLogger(AccessLog.LOGGER);

    @BeforeEach
    void capture() {
        captured.start();
        accessLogger.addAppender(captured);
    }

    @AfterEach
    void release() {
        accessLogger.detachAppender(captured);
    }

    @Test
    void oneLinePerRequestForA200AProxy429AndA502WithoutSecrets() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (UpstreamSimulator upstream = UpstreamSimulator.start(SimulatorSpec.github(100, Duration.ofHours(1))
                .withValidTokens(Set.of(TOKEN)));
             RunningProxy proxy = RunningProxy.start("""
                     server: { listen: "127.0.0.1:0" }
                     queue: { maxWait: 0s }
                     upstreams:
                       gh:
                         url: "%s"
                         dialect: github
                         tokens: { static: ["${T}"] }
                         buckets: [ { name: one, limit: 1, per: 1h } ]
                       gone:
                         url: "http://127.0.0.1:%d"
                         connectTimeout: 1s
                     routes:
                       - match: { pathPrefix: "/gh/" }
                         upstream: gh
                       - match: { pathPrefix: "/gone/" }
                         upstream: gone
                     """.formatted(upstream.baseUrl(), closedPort), Map.of("T", TOKEN))) {

            HttpRequest first = HttpRequest.newBuilder(URI.create(proxy.url("/gh/repos/o/r?access_token=" + QUERY_SECRET)))
                    .header("Authorization", "Bearer " + CLIENT_SECRET).GET().build();
            assertThat(proxy.send(first).statusCode()).isEqualTo(200);
            assertThat(proxy.get("/gh/repos/o/r").statusCode()).isEqualTo(429);
            assertThat(proxy.get("/gone/x?secret=" + QUERY_SECRET).statusCode()).isEqualTo(502);

            await().atMost(Duration.ofSeconds(5)).until(() -> captured.list.size() >= 3);
            List<String> lines = captured.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
            System.out.println(String.join("\n", lines));
            assertThat(lines).hasSize(3);
            assertThat(lines.get(0)).startsWith("GET /gh/repos/o/r 200 by upstream route=/gh/ upstream=gh")
                    .contains("token=" + Fingerprint.of(TOKEN), "retries=0", "upstream_time=");
            assertThat(lines.get(1)).startsWith("GET /gh/repos/o/r 429 by proxy:max_wait route=/gh/ upstream=gh")
                    .contains("upstream_time=- ");
            assertThat(lines.get(2)).startsWith("GET /gone/x 502 by proxy:upstream_unreachable route=/gone/ upstream=gone");
            for (ILoggingEvent event : captured.list) {
                String everything = event.getFormattedMessage() + event.getKeyValuePairs();
                assertThat(everything).doesNotContain(TOKEN, CLIENT_SECRET, QUERY_SECRET, "Bearer");
            }
            assertThat(upstream.violations()).isZero();
        }
    }

    @Test
    void jsonFormatWritesTheFieldsWithLogbacksOwnEncoder() throws Exception {
        try (UpstreamSimulator upstream = UpstreamSimulator.start(SimulatorSpec.github(100, Duration.ofHours(1))
                .withValidTokens(Set.of(TOKEN)));
             RunningProxy proxy = RunningProxy.start("""
                     server: { listen: "127.0.0.1:0" }
                     upstreams:
                       gh:
                         url: "%s"
                         dialect: github
                         tokens: { static: ["${T}"] }
                     routes:
                       - match: { pathPrefix: "/gh/" }
                         upstream: gh
                     """.formatted(upstream.baseUrl()), Map.of("T", TOKEN))) {
            assertThat(proxy.get("/gh/a/b?q=" + QUERY_SECRET).statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(5)).until(() -> !captured.list.isEmpty());
        }
        // The encoder exactly as `run --log-format json` configures it, in a context of its own.
        LoggerContext context = new LoggerContext();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(getClass().getResource("/logback-json.xml"));
        Appender<ILoggingEvent> stderr = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("STDERR");
        JsonEncoder encoder = (JsonEncoder) ((OutputStreamAppender<ILoggingEvent>) stderr).getEncoder();
        String line = new String(encoder.encode(captured.list.get(0)), StandardCharsets.UTF_8);
        System.out.println(line);
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.get("loggerName").asText()).isEqualTo("rlproxy.access");
        Map<String, String> fields = new java.util.HashMap<>();
        json.get("kvpList").forEach(pair -> pair.fields().forEachRemaining(e -> fields.put(e.getKey(), e.getValue().asText())));
        assertThat(fields).containsEntry("path", "/gh/a/b").containsEntry("status", "200").containsEntry("upstream", "gh")
                .containsEntry("answeredBy", "upstream").containsEntry("token", Fingerprint.of(TOKEN))
                .containsKeys("route", "method", "queueWaitMs", "upstreamMs", "bytesIn", "bytesOut", "retries");
        assertThat(json.get("formattedMessage").asText()).startsWith("GET /gh/a/b 200 by upstream");
        assertThat(line).doesNotContain(TOKEN, QUERY_SECRET);
        context.stop();
    }
}
