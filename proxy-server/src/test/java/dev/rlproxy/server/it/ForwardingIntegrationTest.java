package dev.rlproxy.server.it;

import com.github.tomakehurst.wiremock.http.HttpHeaders;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.rlproxy.server.simulator.SimulatorSpec;
import dev.rlproxy.server.simulator.UpstreamSimulator;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** What the upstream receives: its own path and Host, forwarding headers, no hop-by-hop headers. */
class ForwardingIntegrationTest {

    @Test
    void rewritesTheRequestForTheUpstream() throws Exception {
        try (UpstreamSimulator upstream = UpstreamSimulator.start(SimulatorSpec.none(100, Duration.ofSeconds(1))
                .withRequestJournal(true));
             RunningProxy proxy = RunningProxy.start("""
                     server: { listen: "127.0.0.1:0" }
                     upstreams:
                       api: { url: "%s/v3" }
                     routes:
                       - match: { pathPrefix: "/api/" }
                         upstream: api
                     """.formatted(upstream.baseUrl()))) {

            String answer;
            try (Socket socket = new Socket("127.0.0.1", proxy.app.port())) {
                OutputStream out = socket.getOutputStream();
                out.write(("GET /api/repos/a/b?per_page=5 HTTP/1.1\r\n"
                        + "Host: proxy.internal:8080\r\n"
                        + "Connection: close, X-Hop\r\n"
                        + "X-Hop: secret-hop\r\n"
                        + "Keep-Alive: timeout=5\r\n"
                        + "Proxy-Authorization: Basic Zm9vOmJhcg==\r\n"
                        + "X-Forwarded-For: 10.1.2.3\r\n"
                        + "Accept: application/json\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            }

            assertThat(answer).startsWith("HTTP/1.1 200").containsIgnoringCase("connection: close");
            LoggedRequest seen = upstream.wireMock().getAllServeEvents().get(0).getRequest();
            HttpHeaders headers = seen.getHeaders();
            assertThat(seen.getUrl()).isEqualTo("/v3/repos/a/b?per_page=5");
            assertThat(headers.getHeader("Host").firstValue()).isEqualTo("127.0.0.1:" + upstream.port());
            assertThat(headers.getHeader("X-Forwarded-For").firstValue()).isEqualTo("10.1.2.3, 127.0.0.1");
            assertThat(headers.getHeader("X-Forwarded-Host").firstValue()).isEqualTo("proxy.internal:8080");
            assertThat(headers.getHeader("X-Forwarded-Proto").firstValue()).isEqualTo("http");
            assertThat(headers.getHeader("Accept").firstValue()).isEqualTo("application/json");
            assertThat(headers.keys()).map(String::toLowerCase)
                    .doesNotContain("x-hop", "keep-alive", "proxy-authorization");
        }
    }
}
