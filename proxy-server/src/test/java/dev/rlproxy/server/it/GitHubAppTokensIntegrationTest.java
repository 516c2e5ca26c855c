package dev.rlproxy.server.it;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.rlproxy.core.tokens.TokenState;
import dev.rlproxy.core.tokens.TokenStatus;
import dev.rlproxy.server.simulator.SimulatorSpec;
import dev.rlproxy.server.simulator.UpstreamSimulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** GitHub App installations as pool members of a real proxy, against the fake App endpoint and the simulator. */
class GitHubAppTokensIntegrationTest {

    private static final String SMALL = "ghs_111_1";
    private static final String LARGE = "ghs_222_1";

    @TempDir
    Path dir;

    @Test
    void twoInstallationsShareTheLoadInProportionToTheirLimitsAndNoTokenIsLogged() throws Exception {
        Map<String, Integer> limits = Map.of(SMALL, 10, LARGE, 30);
        int total = 200; // five rounds of the installations' combined 40 per second
        List<String> lines;
        try (CapturedLogs logs = new CapturedLogs();
             FakeGitHubApp app = FakeGitHubApp.start("12345", "/api/v3", Set.of(111L, 222L), System::currentTimeMillis);
             UpstreamSimulator upstream = UpstreamSimulator.start(SimulatorSpec.github(1, Duration.ofSeconds(1))
                     .withTokenLimits(limits).withValidTokens(limits.keySet()));
             RunningProxy proxy = RunningProxy.start("""
                     server: { listen: "127.0.0.1:0" }
                     queue: { maxWait: 30s }
                     upstreams:
                       gh:
                         url: "%s"
                         dialect: github
                         tokens:
                           githubApp:
                             appId: 12345
                             privateKeyFile: "%s"
                             installations: [111, 222]
                             apiUrl: "%s"
                     routes:
                       - match: { pathPrefix: "/gh/" }
                         upstream: gh
                     """.formatted(upstream.baseUrl(), app.writePkcs8Key(dir), app.apiUrl()))) {

            ConcurrentLoad load = ConcurrentLoad.run(proxy.client, proxy.url("/gh/repos/o/r/issues?n="), total, 80);

            Map<String, Long> accepted = upstream.acceptedByToken();
            System.out.printf("github app installations: accepted by limit 10/30 = %d/%d%n",
                    accepted.get(SMALL), accepted.get(LARGE));
            assertThat(upstream.violations()).as("upstream violations").isZero();
            assertThat(load.count(200)).as("every request served").isEqualTo(total);
            assertThat(app.rejections()).as("every JWT verified").isEmpty();
            assertThat(app.issued(111)).isEqualTo(1);
            assertThat(app.issued(222)).isEqualTo(1);
            limits.forEach((token, limit) -> {
                // Over the run the shares follow the limits (the last, partial round may go either way).
                double expected = total * limit / 40.0;
                assertThat((double) accepted.get(token)).as("share of the installation with limit %d", limit)
                        .isCloseTo(expected, within(expected * 0.25));
            });
            List<TokenStatus> status = proxy.app.upstreams().get("gh").tokens().status();
            assertThat(status).as("one pool member per installation, each with its own learned limit")
                    .extracting(TokenStatus::limit).containsExactlyInAnyOrder(10L, 30L);
            assertThat(status).extracting(TokenStatus::state).isSubsetOf(TokenState.ACTIVE, TokenState.SPENT);
            lines = logs.lines();
            String pem = Files.readString(app.writePkcs8Key(dir));
            String keyLine = pem.lines().skip(5).findFirst().orElseThrow();
            for (String secret : List.of(SMALL, LARGE, keyLine)) {
                assertThat(lines).as("log lines").noneMatch(line -> line.contains(secret));
                assertThat(status.toString()).doesNotContain(secret);
            }
        }
        assertThat(lines).as("the capture works: each installation's token arrival was logged at DEBUG")
                .filteredOn(line -> line.startsWith("DEBUG") && line.contains("/githubApp/12345/")
                        && line.contains("has a new token")).hasSize(2);
    }

    @Test
    void withoutApiUrlTokensComeFromTheUpstreamItselfAndTheKeyMayComeFromAVariable() throws Exception {
        try (FakeGitHubApp app = FakeGitHubApp.start("Iv23liExample", "/api/v3", Set.of(333L), System::currentTimeMillis);
             RunningProxy proxy = RunningProxy.start("""
                     server: { listen: "127.0.0.1:0" }
                     queue: { maxWait: 10s }
                     upstreams:
                       ghe:
                         url: "%s"
                         tokens:
                           githubApp: { appId: Iv23liExample, privateKey: "${GITHUB_APP_KEY}", installations: [333] }
                     routes:
                       - match: { pathPrefix: "/ghe/" }
                         upstream: ghe
                     """.formatted(app.apiUrl()),
                     Map.of("GITHUB_APP_KEY", Files.readString(app.writePkcs8Key(dir))))) {

            proxy.get("/ghe/repos/o/r");

            assertThat(app.issued(333)).isEqualTo(1);
            LoggedRequest forwarded = app.requests().stream()
                    .filter(r -> r.getUrl().equals("/api/v3/repos/o/r")).findFirst().orElseThrow();
            assertThat(forwarded.getHeader("Authorization")).isEqualTo("Bearer ghs_333_1");
        }
    }
}
