package dev.rlproxy.server.it;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.rlproxy.core.tokens.Fingerprint;
import dev.rlproxy.core.tokens.TokenState;
import dev.rlproxy.core.tokens.TokenStatus;
import dev.rlproxy.server.simulator.SimulatorSpec;
import dev.rlproxy.server.simulator.UpstreamSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A throttled answer (GitHub's 403 "rate limit exceeded", a 429) is about the token, so the proxy
 * sends the request again with another token; the client sees only the final answer, and the
 * throttled token is marked spent before anything is relayed.
 */
class TokenRetryIntegrationTest {

    private static final String A = "it-retry-token-aaaa";
    private static final String B = "it-retry-token-bbbb";

    private final List<AutoCloseable> open = new ArrayList<>();
    private final HttpClient direct = HttpClient.newHttpClient();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private UpstreamSimulator simulator(SimulatorSpec spec) {
        UpstreamSimulator upstream = UpstreamSimulator.start(spec.withRequestJournal(true));
        open.add(upstream);
        return upstream;
    }

    private RunningProxy proxy(UpstreamSimulator upstream, String dialect, String tokens, int maxAttempts) {
        RunningProxy proxy = RunningProxy.start("""
                server: { listen: "127.0.0.1:0" }
                queue: { maxWait: 5s }
                upstreams:
                  api:
                    url: "%s"
                    dialect: %s
                    retry: { maxAttempts: %d }
                    tokens:
                      static: [%s]
                routes:
                  - match: { pathPrefix: "/api/" }
                    upstream: api
                """.formatted(upstream.baseUrl(), dialect, maxAttempts, tokens), Map.of("A", A, "B", B));
        open.add(proxy);
        return proxy;
    }

    /** Spends {@code token}'s whole window behind the proxy's back: the proxy cannot know. */
    private void spendDirectly(UpstreamSimulator upstream, String token, int calls) {
        for (int i = 0; i < calls; i++) {
            try {
                HttpResponse<String> r = direct.send(HttpRequest.newBuilder(URI.create(upstream.baseUrl() + "/elsewhere"))
                        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void gitHub403RateLimitIsRetriedWithTheOtherTokenAndTheClientSeesOnlyTheSuccess() {
        UpstreamSimulator upstream = simulator(SimulatorSpec.github(5, Duration.ofMinutes(1)));
        RunningProxy proxy = proxy(upstream, "github", "\"${A}\", \"${B}\"", 3);
        spendDirectly(upstream, A, 5);

        // The first checkout of two untouched tokens is the first configured one: A.
        HttpResponse<String> response = proxy.get("/api/user");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Proxy-Error")).isEmpty();
        assertThat(response.headers().firstValue("X-RateLimit-Remaining")).as("B's headers, not A's").contains("4");
        assertThat(response.body()).contains("\"ok\":true").contains("\"path\":\"/user\"");
        assertThat(authorizationsAt(upstream, "/user")).containsExactly("Bearer " + A, "Bearer " + B);
        assertThat(statusOf(proxy, A).state()).as("throttled token marked spent").isEqualTo(TokenState.SPENT);
        assertThat(statusOf(proxy, A).remaining()).isZero();

        // Corrected before the answer was relayed: the very next request does not try A again.
        assertThat(proxy.get("/api/user").statusCode()).isEqualTo(200);
        assertThat(upstream.requestsByToken()).containsEntry(A, 6L).containsEntry(B, 2L);
    }

    @Test
    void a429IsRetriedWithTheOtherToken() {
        UpstreamSimulator upstream = simulator(SimulatorSpec.openai(2, Duration.ofMinutes(1)));
        RunningProxy proxy = proxy(upstream, "openai", "\"${A}\", \"${B}\"", 3);
        spendDirectly(upstream, A, 2);

        HttpResponse<String> response = proxy.get("/api/v1/models");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"ok\":true");
        assertThat(authorizationsAt(upstream, "/v1/models")).containsExactly("Bearer " + A, "Bearer " + B);
        assertThat(statusOf(proxy, A).state()).isEqualTo(TokenState.SPENT);
    }

    @Test
    void aBufferedBodyIsSentAgainWithTheRetry() {
        UpstreamSimulator upstream = simulator(SimulatorSpec.github(5, Duration.ofMinutes(1)));
        RunningProxy proxy = proxy(upstream, "github", "\"${A}\", \"${B}\"", 3);
        spendDirectly(upstream, A, 5);
        String body = "{\"title\":\"" + "x".repeat(4000) + "\"}";

        HttpResponse<String> response = proxy.send(HttpRequest.newBuilder(URI.create(proxy.url("/api/repos/o/r/issues")))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10)).build());

        assertThat(response.statusCode()).isEqualTo(200);
        List<ServeEvent> sent = eventsAt(upstream, "/repos/o/r/issues");
        assertThat(sent).hasSize(2);
        assertThat(sent).allSatisfy(e -> assertThat(e.getRequest().getBodyAsString()).isEqualTo(body));
    }

    @Test
    void withMaxAttemptsOneTheThrottledAnswerIsRelayedAndTheTokenStillMarkedSpent() {
        UpstreamSimulator upstream = simulator(SimulatorSpec.github(5, Duration.ofMinutes(1)));
        RunningProxy proxy = proxy(upstream, "github", "\"${A}\", \"${B}\"", 1);
        spendDirectly(upstream, A, 5);

        HttpResponse<String> response = proxy.get("/api/user");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("X-Proxy-Error")).as("the upstream's own answer").isEmpty();
        assertThat(response.body()).contains("API rate limit exceeded");
        assertThat(authorizationsAt(upstream, "/user")).containsExactly("Bearer " + A);
        assertThat(statusOf(proxy, A).state()).isEqualTo(TokenState.SPENT);
    }

    @Test
    void withNoOtherTokenTheUpstreamsThrottledAnswerIsRelayedNotAProxyError() {
        UpstreamSimulator upstream = simulator(SimulatorSpec.github(5, Duration.ofMinutes(1)));
        RunningProxy proxy = proxy(upstream, "github", "\"${A}\"", 3);
        spendDirectly(upstream, A, 5);

        HttpResponse<String> response = proxy.get("/api/user");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("X-Proxy-Error")).isEmpty();
        assertThat(response.headers().firstValue("X-RateLimit-Remaining")).contains("0");
        assertThat(upstream.requestsSeen()).isEqualTo(6);
    }

    private static TokenStatus statusOf(RunningProxy proxy, String token) {
        return proxy.app.upstreams().get("api").tokens().status().stream()
                .filter(s -> s.fingerprint().equals(Fingerprint.of(token))).findFirst().orElseThrow();
    }

    /** Requests the upstream saw on {@code path}, oldest first (WireMock lists the newest first). */
    static List<ServeEvent> eventsAt(UpstreamSimulator upstream, String path) {
        List<ServeEvent> events = new ArrayList<>(upstream.wireMock().getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().startsWith(path))
                .toList());
        Collections.reverse(events);
        return events;
    }

    static List<String> authorizationsAt(UpstreamSimulator upstream, String path) {
        return eventsAt(upstream, path).stream().map(e -> e.getRequest().getHeader("Authorization")).toList();
    }
}
