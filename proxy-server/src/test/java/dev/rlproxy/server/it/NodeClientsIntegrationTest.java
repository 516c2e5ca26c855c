package dev.rlproxy.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rlproxy.server.simulator.SimulatorSpec;
import dev.rlproxy.server.simulator.UpstreamSimulator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Real JavaScript client libraries, unchanged, with their base URL set to the proxy: every request
 * they make — pages found in Link headers, redirects included — goes through the proxy with the
 * pool's token, and the rate-limited upstream sees no violation. The clients come from the npm
 * registry, pinned by {@code src/test/node/package-lock.json}.
 */
class NodeClientsIntegrationTest {

    private static final String TOKEN = "it-node-pool-token";

    @BeforeAll
    static void installClients() {
        assumeTrue(NodeClients.available(), "node and npm are not installed: skipping the real JavaScript client tests "
                + "(.ci/run installs them with apt-get install nodejs npm)");
        NodeClients.install();
    }

    @Test
    void octokitPaginatesAndFollowsRedirectsThroughTheProxy() {
        try (UpstreamSimulator upstream = UpstreamSimulator.start(SimulatorSpec.github(1000, Duration.ofMinutes(1))
                .withValidTokens(Set.of(TOKEN)));
             RunningProxy proxy = RunningProxy.start("""
                     server: { listen: "127.0.0.1:0" }
                     upstreams:
                       github:
                         url: "%s"
                         dialect: github
                         tokens: { static: ["${TOKEN}"] }
                     routes:
                       - match: { pathPrefix: "/github/" }
                         upstream: github
                     """.formatted(upstream.baseUrl()), Map.of("TOKEN", TOKEN))) {

            JsonNode result = NodeClients.runScript("octokit.mjs", proxy.url(""));

            assertThat(result.get("items").asInt()).as("all 95 items over 3 pages").isEqualTo(95);
            assertThat(result.get("firstId").asInt()).isEqualTo(1);
            assertThat(result.get("lastId").asInt()).isEqualTo(95);
            List<String> pages = new ArrayList<>();
            result.get("pages").forEach(page -> pages.add(page.asText()));
            String issues = proxy.url("/github/repos/acme/widgets/issues?per_page=40");
            assertThat(pages).containsExactly(issues, issues + "&page=2", issues + "&page=3");
            assertThat(result.get("redirectStatus").asInt()).isEqualTo(200);
            assertThat(result.get("redirectedTo").asText()).isEqualTo(proxy.url("/github/repos/acme/widgets"));

            // 3 pages + the 301 + the redirected request, every one with the pool's token.
            assertThat(upstream.requestsByToken()).containsOnlyKeys(TOKEN).containsEntry(TOKEN, 5L);
            assertThat(upstream.violations()).isZero();
        }
    }

    @Test
    void discordJsRestSendsEveryRequestThroughTheProxyWithoutAViolation() {
        try (UpstreamSimulator upstream = UpstreamSimulator.start(SimulatorSpec.discord(5, Duration.ofSeconds(2))
                .withValidTokens(Set.of(TOKEN)));
             RunningProxy proxy = RunningProxy.start("""
                     server: { listen: "127.0.0.1:0" }
                     queue: { maxWait: 60s }
                     upstreams:
                       discord:
                         url: "%s/api"
                         dialect: discord
                         tokens:
                           inject: { header: Authorization, format: "Bot {token}" }
                           static: ["${TOKEN}"]
                     routes:
                       - match: { pathPrefix: "/discord/" }
                         upstream: discord
                     """.formatted(upstream.baseUrl()), Map.of("TOKEN", TOKEN))) {

            JsonNode result = NodeClients.runScript("discord.mjs", proxy.url(""), "40");

            assertThat(result.get("failures")).as("requests the client saw fail").isEmpty();
            assertThat(result.get("ok").asInt()).isEqualTo(40);
            assertThat(upstream.requestsByToken()).containsOnlyKeys(TOKEN).containsEntry(TOKEN, 40L);
            assertThat(upstream.violations()).isZero();
        }
    }
}
