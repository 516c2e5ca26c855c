package dev.rlproxy.server.it;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.rlproxy.core.tokens.Fingerprint;
import dev.rlproxy.server.simulator.SimulatorSpec;
import dev.rlproxy.server.simulator.UpstreamSimulator;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.rlproxy.server.it.TokenRetryIntegrationTest.eventsAt;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Known token strings pushed through every path that talks about tokens — successes, 401s and
 * quarantine, throttling and retries, an unreachable upstream, a refusal after maxWait, passthrough —
 * and then looked for in every log line (root logger at DEBUG) and everything the client received.
 */
class TokenSecrecyIntegrationTest {

    private static final String GOOD = "ghp_SecretGood0000000000000000000001";
    private static final String REVOKED = "ghp_SecretRevoked000000000000000002";
    private static final String SPENT = "ghp_SecretSpent00000000000000000003";
    private static final String DOWN = "ghp_SecretDown000000000000000000004";
    private static final String SLOW = "ghp_SecretSlow000000000000000000005";
    private static final String CLIENT_JUNK = "client_SecretJunk00000000000000006";
    private static final String CLIENT_OWN = "client_SecretOwn000000000000000007";
    private static final List<String> SECRETS = List.of(GOOD, REVOKED, SPENT, DOWN, SLOW, CLIENT_JUNK, CLIENT_OWN);

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private ch.qos.logback.classic.Logger root;
    private Level rootLevel;
    private final List<String> seenByClient = new ArrayList<>();

    @BeforeEach
    void captureLogs() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        rootLevel = root.getLevel();
        logs.setContext(context);
        logs.start();
        root.addAppender(logs);
        root.setLevel(Level.DEBUG);
    }

    @AfterEach
    void restoreLogs() {
        root.detachAppender(logs);
        root.setLevel(rootLevel);
        logs.stop();
    }

    @Test
    void noTokenAppearsInLogsOrInAnythingTheClientReceives() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (UpstreamSimulator upstream = UpstreamSimulator.start(SimulatorSpec.github(3, Duration.ofMinutes(1))
                .withValidTokens(Set.of(GOOD, REVOKED, SPENT, SLOW)).withRequestJournal(true));
             RunningProxy proxy = RunningProxy.start("""
                     server: { listen: "127.0.0.1:0" }
                     queue: { maxWait: 300ms }
                     upstreams:
                       gh:
                         url: "%s"
                         dialect: github
                         tokens:
                           static: ["${REVOKED}", "${SPENT}", "${GOOD}"]
                       down:
                         url: "http://127.0.0.1:%d"
                         connectTimeout: 1s
                         tokens:
                           static: ["${DOWN}"]
                       slow:
                         url: "%s"
                         dialect: github
                         tokens:
                           static: ["${SLOW}"]
                         buckets:
                           - { name: one-a-minute, limit: 1, per: 1m, scope: token }
                     routes:
                       - match: { pathPrefix: "/gh/" }
                         upstream: gh
                       - match: { pathPrefix: "/own/" }
                         upstream: gh
                         tokens: passthrough
                       - match: { pathPrefix: "/down/" }
                         upstream: down
                       - match: { pathPrefix: "/slow/" }
                         upstream: slow
                     """.formatted(upstream.baseUrl(), closedPort, upstream.baseUrl()),
                     Map.of("GOOD", GOOD, "REVOKED", REVOKED, "SPENT", SPENT, "DOWN", DOWN, "SLOW", SLOW))) {
            upstream.revoke(REVOKED);
            spendBehindTheProxysBack(proxy, upstream, SPENT);

            // REVOKED first (401, quarantined), then SPENT (403 throttled), then GOOD: retries.
            HttpResponse<String> first = get(proxy, "/gh/user", "Bearer " + CLIENT_JUNK);
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(eventsAt(upstream, "/user")).extracting(e -> e.getRequest().getHeader("Authorization"))
                    .as("the injected tokens went out, in that order")
                    .containsExactly("Bearer " + REVOKED, "Bearer " + SPENT, "Bearer " + GOOD);
            List<Integer> later = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                later.add(get(proxy, "/gh/repos/o/r", "Bearer " + CLIENT_JUNK).statusCode());
            }
            assertThat(later).as("GOOD has 2 calls left, then the pool has no token to give")
                    .containsExactly(200, 200, 429, 429);
            assertThat(get(proxy, "/own/user", "Bearer " + CLIENT_OWN).statusCode())
                    .as("a client's own bad credential: the upstream's 401, relayed").isEqualTo(401);
            assertThat(get(proxy, "/down/x", "Bearer " + CLIENT_JUNK).statusCode()).isEqualTo(502);
            assertThat(get(proxy, "/slow/x", null).statusCode()).isEqualTo(200);
            assertThat(get(proxy, "/slow/x", null).statusCode()).as("maxWait refusal").isEqualTo(429);
            seenByClient.add(proxy.app.upstreams().get("gh").tokens().status().toString());
            seenByClient.add(proxy.app.upstreams().toString());
        }

        List<String> lines = logs.list.stream().map(TokenSecrecyIntegrationTest::render).toList();
        assertThat(lines).as("the capture works: the retries were logged by fingerprint")
                .anyMatch(line -> line.contains(Fingerprint.of(REVOKED)))
                .anyMatch(line -> line.contains(Fingerprint.of(SPENT)));
        for (String secret : SECRETS) {
            assertThat(lines).as("log lines").noneMatch(line -> line.contains(secret));
            assertThat(seenByClient).as("responses and status").noneMatch(text -> text.contains(secret));
        }
    }

    private void spendBehindTheProxysBack(RunningProxy proxy, UpstreamSimulator upstream, String token) {
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = proxy.send(HttpRequest.newBuilder(URI.create(upstream.baseUrl() + "/elsewhere"))
                    .header("Authorization", "Bearer " + token).build());
            assertThat(r.statusCode()).isEqualTo(200);
        }
    }

    private HttpResponse<String> get(RunningProxy proxy, String path, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(proxy.url(path)));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response = proxy.send(request.build());
        seenByClient.add(response.statusCode() + " " + response.headers().map() + "\n" + response.body());
        return response;
    }

    private static String render(ILoggingEvent event) {
        StringBuilder text = new StringBuilder(event.getLoggerName()).append(' ').append(event.getFormattedMessage());
        if (event.getThrowableProxy() != null) {
            text.append('\n').append(ThrowableProxyUtil.asString(event.getThrowableProxy()));
        }
        text.append(' ').append(event.getMDCPropertyMap());
        return text.toString();
    }
}
