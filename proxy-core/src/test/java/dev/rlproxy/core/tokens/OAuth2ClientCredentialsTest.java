package dev.rlproxy.core.tokens;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static dev.rlproxy.core.tokens.PoolFixture.SECOND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The OAuth2 client credentials generator against a real (WireMock) token endpoint. */
class OAuth2ClientCredentialsTest {

    private static final String CLIENT_SECRET = "s3cr3t-client-value";
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private final WireMockServer server = new WireMockServer(options().dynamicPort());
    private final ManualClock clock = new ManualClock();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void startServer() {
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop();
    }

    @Test
    void getsATokenWithBasicClientAuthentication() throws Exception {
        server.stubFor(post(urlEqualTo("/token"))
                .withBasicAuth("proxy-client", CLIENT_SECRET)
                .withHeader("Content-Type", equalTo("application/x-www-form-urlencoded"))
                .withRequestBody(equalTo("grant_type=client_credentials&scope=read+write"))
                .willReturn(okJson("{\"access_token\":\"at-basic-1\",\"token_type\":\"bearer\",\"expires_in\":600}")));

        GeneratedCredential credential = generator(OAuth2ClientCredentials.ClientAuthentication.BASIC)
                .generate().get(10, TimeUnit.SECONDS);
        assertThat(credential.token().value()).isEqualTo("at-basic-1");
        assertThat(credential.expiresAt()).isEqualTo(Instant.ofEpochMilli(clock.wallMillis()).plusSeconds(600));
    }

    @Test
    void canSendTheClientCredentialsInTheBody() throws Exception {
        server.stubFor(post(urlEqualTo("/token"))
                .withRequestBody(containing("grant_type=client_credentials"))
                .withRequestBody(containing("client_id=proxy-client"))
                .withRequestBody(containing("client_secret=" + CLIENT_SECRET))
                .willReturn(okJson("{\"access_token\":\"at-body-1\"}")));

        GeneratedCredential credential = generator(OAuth2ClientCredentials.ClientAuthentication.BODY)
                .generate().get(10, TimeUnit.SECONDS);
        assertThat(credential.token().value()).isEqualTo("at-body-1");
        assertThat(credential.expiresAt()).as("no expires_in: the default lifetime")
                .isEqualTo(Instant.ofEpochMilli(clock.wallMillis()).plus(OAuth2ClientCredentials.DEFAULT_LIFETIME));
        assertThat(server.findAll(postRequestedFor(urlEqualTo("/token"))).get(0).containsHeader("Authorization")).isFalse();
    }

    @Test
    void aFailureNamesTheStatusAndErrorCodeButNoSecret() {
        server.stubFor(post(urlEqualTo("/token")).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"invalid_client\",\"error_description\":\"bad secret " + CLIENT_SECRET + "\"}")));

        Throwable failure = catchThrowable(() -> generator(OAuth2ClientCredentials.ClientAuthentication.BODY)
                .generate().get(10, TimeUnit.SECONDS));
        assertThat(failure.getCause()).isInstanceOf(OAuth2ClientCredentials.CredentialRequestFailedException.class);
        assertThat(failure.getCause().getMessage()).contains("HTTP 401", "invalid_client", "/token")
                .doesNotContain(CLIENT_SECRET);
    }

    @Test
    void recoversAfterAFailedRefresh() {
        server.stubFor(post(urlEqualTo("/token")).inScenario("flaky").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        server.stubFor(post(urlEqualTo("/token")).inScenario("flaky").whenScenarioStateIs("up")
                .willReturn(okJson("{\"access_token\":\"at-recovered\",\"expires_in\":3600}")));
        RefreshingCredential credential = refreshing();
        credential.start();

        await().atMost(PATIENCE).until(() -> scheduler.pending() == 1); // the retry is scheduled
        assertThat(credential.current()).isEmpty();
        scheduler.advanceNanos(SECOND);
        await().atMost(PATIENCE).until(() -> credential.current().isPresent());
        assertThat(credential.current().orElseThrow().value()).isEqualTo("at-recovered");
        assertThat(server.findAll(postRequestedFor(urlEqualTo("/token")))).hasSize(2);
    }

    @Test
    void aSlowEndpointBlocksNobody() {
        server.stubFor(post(urlEqualTo("/token"))
                .willReturn(okJson("{\"access_token\":\"at-slow\",\"expires_in\":3600}").withFixedDelay(2000)));
        TokenPool pool = new TokenPool("oauth", TokenPoolSettings.DEFAULTS, clock, scheduler);

        long started = System.nanoTime();
        pool.reconcile(List.of(TokenSource.generated(refreshing())));
        CompletableFuture<TokenLease> checkout = pool.checkout(30 * SECOND, Set.of());
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        assertThat(tookMillis).as("start and checkout return without waiting for the endpoint").isLessThan(1500);
        assertThat(checkout).isNotDone();
        assertThat(pool.status()).extracting(TokenStatus::state).containsExactly(TokenState.PENDING);
        await().atMost(PATIENCE).until(checkout::isDone);
        assertThat(checkout.join().secret()).isEqualTo("at-slow");
    }

    @Test
    void refreshesBeforeExpiryAndGoesPendingWhenTheTokenExpiresUnreplaced() {
        server.stubFor(post(urlEqualTo("/token")).inScenario("rotation").whenScenarioStateIs(STARTED)
                .willReturn(okJson("{\"access_token\":\"at-first\",\"expires_in\":120}")).willSetStateTo("second"));
        server.stubFor(post(urlEqualTo("/token")).inScenario("rotation").whenScenarioStateIs("second")
                .willReturn(okJson("{\"access_token\":\"at-second\",\"expires_in\":120}")).willSetStateTo("down"));
        server.stubFor(post(urlEqualTo("/token")).inScenario("rotation").whenScenarioStateIs("down")
                .willReturn(aResponse().withStatus(500)));
        RefreshingCredential credential = refreshing();
        TokenPool pool = new TokenPool("oauth", TokenPoolSettings.DEFAULTS, clock, scheduler);
        pool.reconcile(List.of(TokenSource.generated(credential)));

        await().atMost(PATIENCE).until(() -> credential.current().isPresent());
        assertThat(credential.current().orElseThrow().value()).isEqualTo("at-first");
        scheduler.advanceNanos(60 * SECOND);
        await().atMost(PATIENCE).until(() -> "at-second".equals(credential.current().map(Secret::value).orElse(null)));

        // Every later refresh fails; the token is used until it expires, then the entry is pending.
        scheduler.advanceNanos(119 * SECOND);
        assertThat(pool.checkout(0, Set.of()).join().secret()).isEqualTo("at-second");
        scheduler.advanceNanos(SECOND);
        assertThat(pool.status()).extracting(TokenStatus::state).containsExactly(TokenState.PENDING);
        assertThat(TokenPoolCheckoutTest.failure(pool.checkout(0, Set.of())).reason())
                .isEqualTo(TokenUnavailableException.Reason.EXHAUSTED);
        pool.close();
    }

    private OAuth2ClientCredentials generator(OAuth2ClientCredentials.ClientAuthentication authentication) {
        return new OAuth2ClientCredentials(new OAuth2ClientCredentials.Settings(
                URI.create(server.baseUrl() + "/token"), "proxy-client", Secret.of(CLIENT_SECRET), "read write",
                authentication, Duration.ofSeconds(5)), http, clock);
    }

    private RefreshingCredential refreshing() {
        return new RefreshingCredential("oauth2 test", generator(OAuth2ClientCredentials.ClientAuthentication.BASIC),
                Duration.ofSeconds(60), clock, scheduler);
    }
}
