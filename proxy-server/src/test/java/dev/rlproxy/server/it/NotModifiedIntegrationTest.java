package dev.rlproxy.server.it;

import dev.rlproxy.server.simulator.SimulatorSpec;
import dev.rlproxy.server.simulator.UpstreamSimulator;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GitHub does not count a conditional request answered 304: through the proxy, the quota those
 * answers report is still there to use, and the proxy does not hold it back.
 */
class NotModifiedIntegrationTest {

    private static final String TOKEN = "it-304-pool-token";

    @Test
    void notModifiedAnswersLeaveTheQuotaTheUpstreamReports() {
        try (UpstreamSimulator upstream = UpstreamSimulator.start(SimulatorSpec.github(3, Duration.ofMinutes(1))
                .withValidTokens(Set.of(TOKEN)));
             RunningProxy proxy = RunningProxy.start("""
                     server: { listen: "127.0.0.1:0" }
                     queue: { maxWait: 200ms }
                     upstreams:
                       github:
                         url: "%s"
                         dialect: github
                         tokens: { static: ["${TOKEN}"] }
                     routes:
                       - match: { pathPrefix: "/github/" }
                         upstream: github
                     """.formatted(upstream.baseUrl()), Map.of("TOKEN", TOKEN))) {

            HttpResponse<String> first = proxy.get("/github/repos/acme/widgets");
            assertThat(first.statusCode()).isEqualTo(200);
            String etag = first.headers().firstValue("ETag").orElseThrow();
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> again = proxy.send(HttpRequest.newBuilder(URI.create(proxy.url("/github/repos/acme/widgets")))
                        .header("If-None-Match", etag).build());
                assertThat(again.statusCode()).as("conditional request %d", i + 1).isEqualTo(304);
            }
            // 2 of 3 are left upstream; had the proxy counted the 304s, it would refuse these (maxWait 200ms).
            assertThat(proxy.get("/github/repos/acme/widgets/issues/1").statusCode()).isEqualTo(200);
            assertThat(proxy.get("/github/repos/acme/widgets/issues/2").statusCode()).isEqualTo(200);
            HttpResponse<String> over = proxy.get("/github/repos/acme/widgets/issues/3");
            assertThat(over.statusCode()).as("now the quota is spent: the proxy's own 429").isEqualTo(429);
            assertThat(over.headers().firstValue("X-Proxy-Error")).contains("true");
            assertThat(upstream.violations()).isZero();
        }
    }
}
