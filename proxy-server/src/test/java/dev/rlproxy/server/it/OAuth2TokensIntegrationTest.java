package dev.rlproxy.server.it;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.rlproxy.server.simulator.SimulatorSpec;
import dev.rlproxy.server.simulator.UpstreamSimulator;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/** A token pool fed by an OAuth2 client-credentials endpoint, end to end through the proxy. */
class OAuth2TokensIntegrationTest {

    @Test
    void requestsCarryTheTokenTheOAuth2EndpointIssued() {
        WireMockServer authServer = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        authServer.start();
        authServer.stubFor(post(urlEqualTo("/oauth/token")).willReturn(okJson(
                "{\"access_token\":\"issued-access-token-1\",\"token_type\":\"bearer\",\"expires_in\":3600}")));
        try (UpstreamSimulator upstream = UpstreamSimulator.start(SimulatorSpec.github(100, Duration.ofMinutes(1))
                .withValidTokens(Set.of("issued-access-token-1")));
             RunningProxy proxy = RunningProxy.start("""
                     server: { listen: "127.0.0.1:0" }
                     queue: { maxWait: 10s }
                     upstreams:
                       api:
                         url: "%s"
                         dialect: github
                         tokens:
                           oauth2:
                             tokenUrl: "http://127.0.0.1:%d/oauth/token"
                             clientId: "proxy-client"
                             clientSecret: "${CLIENT_SECRET}"
                             scope: "read"
                     routes:
                       - match: { pathPrefix: "/api/" }
                         upstream: api
                     """.formatted(upstream.baseUrl(), authServer.port()), Map.of("CLIENT_SECRET", "s3cret-value"))) {

            for (int i = 0; i < 3; i++) {
                assertThat(proxy.get("/api/user").statusCode()).isEqualTo(200);
            }

            assertThat(upstream.acceptedByToken()).containsOnly(Map.entry("issued-access-token-1", 3L));
            authServer.verify(1, postRequestedFor(urlEqualTo("/oauth/token"))
                    .withRequestBody(equalTo("grant_type=client_credentials&scope=read")));
        } finally {
            authServer.stop();
        }
    }
}
