package dev.rlproxy.server.it;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.rlproxy.server.simulator.SimulatorSpec;
import dev.rlproxy.server.simulator.UpstreamSimulator;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class ShutdownAndTlsIntegrationTest {

    @Test
    void shutdownStopsAcceptingButFinishesRequestsInFlight() {
        try (UpstreamSimulator upstream = UpstreamSimulator.start(SimulatorSpec.none(1000, Duration.ofSeconds(1))
                .withLatency(Duration.ofMillis(700)))) {
            RunningProxy proxy = RunningProxy.start("""
                    server: { listen: "127.0.0.1:0" }
                    upstreams:
                      api: { url: "%s" }
                    routes:
                      - match: { pathPrefix: "/api/" }
                        upstream: api
                    """.formatted(upstream.baseUrl()));
            int port = proxy.app.port();
            CompletableFuture<HttpResponse<String>> inFlight = proxy.client.sendAsync(
                    HttpRequest.newBuilder(URI.create(proxy.url("/api/slow"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            await().atMost(Duration.ofSeconds(5)).until(() -> upstream.requestsSeen() == 1);

            proxy.close();

            assertThat(inFlight.join().statusCode()).isEqualTo(200);
            assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void anUpstreamWhoseCertificateCannotBeVerifiedIsRefused() throws IOException {
        WireMockServer https = new WireMockServer(options().bindAddress("127.0.0.1").dynamicHttpsPort()
                .httpDisabled(true));
        https.start();
        https.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("should not be reached")));
        try (RunningProxy proxy = RunningProxy.start("""
                server: { listen: "127.0.0.1:0" }
                upstreams:
                  api: { url: "https://127.0.0.1:%d" }
                routes:
                  - match: { pathPrefix: "/api/" }
                    upstream: api
                """.formatted(https.httpsPort()))) {

            HttpResponse<String> response = proxy.get("/api/x");

            assertThat(response.statusCode()).isEqualTo(502);
            assertThat(response.headers().firstValue("X-Proxy-Error")).contains("true");
            assertThat(https.getAllServeEvents()).as("no request reached the unverified upstream").isEmpty();
        } finally {
            https.stop();
        }
    }
}
