package dev.rlproxy.server.it;

import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import dev.rlproxy.core.tokens.GeneratedCredential;
import dev.rlproxy.core.tokens.GitHubAppInstallationTokens;
import dev.rlproxy.core.tokens.OAuth2ClientCredentials.CredentialRequestFailedException;
import dev.rlproxy.core.tokens.RefreshingCredential;
import dev.rlproxy.core.tokens.RsaSigningKey;
import dev.rlproxy.core.tokens.Secret;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/** The GitHub App token generator against a fake App endpoint that verifies every JWT. */
class GitHubAppInstallationTokensTest {

    private static final long SECOND = 1_000_000_000L;
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final HttpClient http = HttpClient.newHttpClient();
    private FakeGitHubApp app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void exchangesASignedJwtForAnInstallationToken() throws Exception {
        app = FakeGitHubApp.start("12345", "", Set.of(111L), clock::wallMillis);

        GeneratedCredential credential = generator(111).generate().get(10, TimeUnit.SECONDS);

        assertThat(app.rejections()).isEmpty();
        assertThat(credential.token().value()).isEqualTo("ghs_111_1");
        assertThat(credential.expiresAt()).isEqualTo(now().plus(Duration.ofHours(1)));
        LoggedRequest request = app.requests().get(0);
        assertThat(request.getUrl()).isEqualTo("/app/installations/111/access_tokens");
        assertThat(request.getMethod().getName()).isEqualTo("POST");
        assertThat(request.getHeader("Accept")).isEqualTo("application/vnd.github+json");
        assertThat(request.getHeader("X-GitHub-Api-Version")).isEqualTo("2022-11-28");
    }

    @Test
    void worksWithAGitHubEnterpriseServerBaseUrl() throws Exception {
        app = FakeGitHubApp.start("Iv23liClientId", "/api/v3", Set.of(222L), clock::wallMillis);

        GeneratedCredential credential = generator(222).generate().get(10, TimeUnit.SECONDS);

        assertThat(credential.token().value()).isEqualTo("ghs_222_1");
        assertThat(app.requests().get(0).getUrl()).isEqualTo("/api/v3/app/installations/222/access_tokens");
    }

    @Test
    void refreshesBeforeTheTokenExpires() {
        app = FakeGitHubApp.start("12345", "", Set.of(111L), clock::wallMillis);
        app.tokenLifetime = Duration.ofMinutes(10);
        RefreshingCredential credential = refreshing(111);

        credential.start();
        await().atMost(PATIENCE).until(() -> token(credential).equals("ghs_111_1") && scheduler.pending() == 1);
        scheduler.advanceNanos(5 * 60 * SECOND - SECOND);
        assertThat(app.issued(111)).as("not before refreshBefore (5m) ahead of expiry").isEqualTo(1);
        scheduler.advanceNanos(SECOND);
        await().atMost(PATIENCE).until(() -> token(credential).equals("ghs_111_2"));
        assertThat(app.rejections()).as("every JWT, signed at a later time, verified").isEmpty();
        credential.stop();
    }

    @Test
    void aFailedExchangeKeepsTheOldTokenAndRetriesWithBackOff() {
        app = FakeGitHubApp.start("12345", "", Set.of(111L), clock::wallMillis);
        app.tokenLifetime = Duration.ofMinutes(10);
        RefreshingCredential credential = refreshing(111);
        credential.start();
        await().atMost(PATIENCE).until(() -> token(credential).equals("ghs_111_1") && scheduler.pending() == 1);

        app.failNext(2);
        scheduler.advanceNanos(5 * 60 * SECOND);
        await().atMost(PATIENCE).until(() -> app.requests().size() == 2 && scheduler.pending() == 1);
        assertThat(token(credential)).as("the old token, still valid, is kept").isEqualTo("ghs_111_1");
        scheduler.advanceNanos(SECOND);
        await().atMost(PATIENCE).until(() -> app.requests().size() == 3 && scheduler.pending() == 1);
        assertThat(token(credential)).isEqualTo("ghs_111_1");
        scheduler.advanceNanos(SECOND);
        assertThat(app.requests()).as("back-off doubled to 2s").hasSize(3);
        scheduler.advanceNanos(SECOND);
        await().atMost(PATIENCE).until(() -> token(credential).equals("ghs_111_2"));
        credential.stop();
    }

    @Test
    void aWrongKeyOrInstallationFailsWithTheStatusAndAHintButNoJwt() throws Exception {
        app = FakeGitHubApp.start("12345", "", Set.of(111L), clock::wallMillis);
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        RsaSigningKey otherKey = RsaSigningKey.of((RSAPrivateKey) rsa.generateKeyPair().getPrivate());

        String wrongKey = failure(new GitHubAppInstallationTokens(settings(111, otherKey), http, clock));
        String wrongInstallation = failure(generator(999));

        assertThat(wrongKey).contains("HTTP 401", "A JSON web token could not be decoded",
                "check that the private key belongs to App 12345").doesNotContain("eyJ");
        assertThat(wrongInstallation).contains("HTTP 404", "check that 999 is an installation of App 12345");
    }

    @Test
    void aSkewedLocalClockIsCorrectedFromTheDateHeaderAtTheNextAttempt() throws Exception {
        app = FakeGitHubApp.start("12345", "", Set.of(111L), clock::wallMillis);
        app.skewClock(Duration.ofMinutes(10));
        GitHubAppInstallationTokens generator = generator(111);

        assertThat(failure(generator)).contains("HTTP 401");
        GeneratedCredential credential = generator.generate().get(10, TimeUnit.SECONDS);

        assertThat(app.rejections()).hasSize(1).first().asString().contains("exp");
        assertThat(credential.token().value()).isEqualTo("ghs_111_1");
        assertThat(credential.expiresAt()).as("an hour by our clock, not GitHub's")
                .isEqualTo(now().plus(Duration.ofHours(1)));
    }

    @Test
    void aLifetimeBeyondAnHourIsNotBelieved() throws Exception {
        app = FakeGitHubApp.start("12345", "", Set.of(111L), clock::wallMillis);
        app.tokenLifetime = Duration.ofDays(30);

        assertThat(generator(111).generate().get(10, TimeUnit.SECONDS).expiresAt())
                .isEqualTo(now().plus(Duration.ofHours(1)));
    }

    private RefreshingCredential refreshing(long installation) {
        return new RefreshingCredential("app test " + installation, generator(installation), Duration.ofMinutes(5),
                clock, scheduler);
    }

    private GitHubAppInstallationTokens generator(long installation) {
        try {
            RsaSigningKey key = RsaSigningKey.fromPem(Files.readString(app.writePkcs8Key(dir)));
            return new GitHubAppInstallationTokens(settings(installation, key), http, clock);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private GitHubAppInstallationTokens.Settings settings(long installation, RsaSigningKey key) {
        return new GitHubAppInstallationTokens.Settings(URI.create(app.apiUrl()), app.appId, installation, key,
                Duration.ofSeconds(5));
    }

    private static String failure(GitHubAppInstallationTokens generator) {
        Throwable failure = catchThrowable(() -> generator.generate().get(10, TimeUnit.SECONDS));
        assertThat(failure.getCause()).isInstanceOf(CredentialRequestFailedException.class);
        return failure.getCause().getMessage();
    }

    private static String token(RefreshingCredential credential) {
        return credential.current().map(Secret::value).orElse("");
    }

    private Instant now() {
        return Instant.ofEpochMilli(clock.wallMillis());
    }
}
