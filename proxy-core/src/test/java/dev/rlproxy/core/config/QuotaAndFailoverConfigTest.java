package dev.rlproxy.core.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.rlproxy.core.config.ConfigFiles.errors;
import static dev.rlproxy.core.config.ConfigFiles.located;
import static org.assertj.core.api.Assertions.assertThat;

class QuotaAndFailoverConfigTest {

    @TempDir
    Path dir;

    @Test
    void aRouteTakesOneUpstreamOrSeveralInOrderAndQuotasTheirScopeAndExactDistance() {
        ProxyConfig config = ConfigFiles.load(dir, """
                usage: { flushInterval: 5s, stateFile: totals.state }
                upstreams:
                  a:
                    url: "https://a.example.com"
                    quotas:
                      - { name: monthly, metric: requests, limit: 1000, period: month }
                      - { name: per-key, metric: ingress-bytes, limit: 50, period: day, scope: token, exactWithin: 0 }
                  b: { url: "https://b.example.com" }
                routes:
                  - { match: { pathPrefix: "/x/" }, upstream: [a, b] }
                  - { match: { pathPrefix: "/y/" }, upstream: b }
                """);
        assertThat(config.routes().get(0).upstreams()).containsExactly("a", "b");
        assertThat(config.routes().get(0).upstream()).isEqualTo("a");
        assertThat(config.routes().get(1).upstreams()).containsExactly("b");
        List<QuotaConfig> quotas = config.upstreams().get("a").quotas();
        assertThat(quotas.get(0).scope()).isEqualTo(QuotaScope.UPSTREAM);
        assertThat(quotas.get(0).exactWithin()).as("1% of the limit").isEqualTo(10);
        assertThat(quotas.get(1).scope()).isEqualTo(QuotaScope.TOKEN);
        assertThat(quotas.get(1).exactWithin()).isZero();
        assertThat(config.usage().flushInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.usage().stateFile()).isEqualTo(dir.resolve("totals.state"));
    }

    @Test
    void theStateFileDefaultsToOneBesideTheConfigFile() {
        Path file = ConfigFiles.write(dir, ConfigFiles.MINIMAL);
        ProxyConfig config = ConfigLoader.load(file, Map.of());
        assertThat(config.usage().stateFile()).isEqualTo(file.toAbsolutePath().resolveSibling(file.getFileName() + ".usage"));
        assertThat(config.usage().flushInterval()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void anUnknownOrRepeatedUpstreamOfARouteIsReportedAtItsLine() {
        assertThat(located(errors(dir, """
                upstreams:
                  primary: { url: "https://a.example.com" }
                routes:
                  - match: { pathPrefix: "/x/" }
                    upstream: [primary, fallbak, primary]
                """, Map.of()))).containsExactlyInAnyOrder(
                "5:5: routes[0].upstream: names an upstream twice");
        assertThat(located(errors(dir, """
                upstreams:
                  primary: { url: "https://a.example.com" }
                routes:
                  - match: { pathPrefix: "/x/" }
                    upstream: [primary, fallbak]
                """, Map.of()))).containsExactly(
                "5:5: routes[0].upstream: unknown upstream 'fallbak'; known: primary");
    }
}
