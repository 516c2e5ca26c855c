package dev.rlproxy.core.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rlproxy.core.headers.RateLimitObservation;
import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Fingerprints, and no token or client secret in any toString or error message. */
class SecretsStayHiddenTest {

    private static final String TOKEN_A = "ghp_secretValueNumberOne0000000000000";
    private static final String TOKEN_B = "ghp_secretValueNumberTwo0000000000000";
    private static final String CLIENT_SECRET = "client-secret-do-not-log";
    private static final String GENERATED = "generated-access-token-value";

    @Test
    void aFingerprintIsSha256PrefixedAndShort() {
        // SHA-256("abc") = ba7816bf 8f01cfea ...
        assertThat(Fingerprint.of("abc")).isEqualTo("sha256:ba7816bf");
        assertThat(Fingerprint.of(TOKEN_A)).matches("sha256:[0-9a-f]{8}").isNotEqualTo(Fingerprint.of(TOKEN_B));
        assertThatThrownBy(() -> Fingerprint.of(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSecretShowsOnlyItsFingerprint() {
        Secret secret = Secret.of("  " + TOKEN_A + "\n");
        assertThat(secret.value()).isEqualTo(TOKEN_A);
        assertThat(secret).hasToString(Fingerprint.of(TOKEN_A));
        assertThat(secret).isEqualTo(Secret.of(TOKEN_A)).isNotEqualTo(Secret.of(TOKEN_B));
        assertThatThrownBy(() -> Secret.of(" ")).isInstanceOf(IllegalArgumentException.class).hasMessage("a secret must not be empty");
    }

    @Test
    void nothingThePoolShowsOrThrowsContainsATokenOrClientSecret() {
        ManualClock clock = new ManualClock();
        ManualScheduler scheduler = new ManualScheduler(clock);
        List<String> shown = new ArrayList<>();

        RefreshingCredential generated = new RefreshingCredential("generated one", () -> CompletableFuture.completedFuture(
                new GeneratedCredential(Secret.of(GENERATED), Instant.ofEpochMilli(clock.wallMillis()).plusSeconds(60))),
                Duration.ofSeconds(10), clock, scheduler);
        OAuth2ClientCredentials.Settings oauth = new OAuth2ClientCredentials.Settings(URI.create("https://auth.example/token"),
                "client", Secret.of(CLIENT_SECRET), null, null, Duration.ofSeconds(5));
        OAuth2ClientCredentials oauthGenerator = new OAuth2ClientCredentials(oauth, HttpClient.newHttpClient(), clock);
        TokenSource statics = TokenSource.staticValues(List.of(TOKEN_A, TOKEN_B));
        TokenSource generatedSource = TokenSource.generated(generated);
        TokenPool pool = new TokenPool("github", TokenPoolSettings.DEFAULTS, clock, scheduler);
        pool.reconcile(List.of(statics, generatedSource));

        List<TokenLease> leases = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            leases.add(pool.checkout(0, Set.of()).join());
        }
        assertThat(leases).extracting(TokenLease::secret).containsExactlyInAnyOrder(TOKEN_A, TOKEN_B, GENERATED);
        leases.forEach(lease -> shown.add(lease.toString()));
        leases.get(0).complete(401, RateLimitObservation.EMPTY);
        leases.get(1).complete(429, RateLimitObservation.EMPTY);
        shown.add(failureMessage(pool.checkout(0, Set.of(leases.get(2).fingerprint()))));
        leases.get(2).complete(200, RateLimitObservation.EMPTY);
        shown.add(failureMessage(pool.checkout(0, Set.copyOf(leases.stream().map(TokenLease::fingerprint).toList()))));

        shown.add(pool.status().toString());
        shown.add(pool.toString());
        shown.add(statics.toString());
        shown.add(statics.key());
        shown.add(generatedSource.toString());
        shown.add(generated.toString());
        shown.add(generated.refresh().join().toString());
        shown.add(oauth.toString());
        shown.add(oauthGenerator.toString());
        shown.add(TokenCredential.fixed(Secret.of(TOKEN_A)).toString());

        assertThat(shown).allSatisfy(text -> assertThat(text)
                .doesNotContain(TOKEN_A, TOKEN_B, CLIENT_SECRET, GENERATED));
        assertThat(String.join("\n", shown)).contains(Fingerprint.of(TOKEN_A));
    }

    @Test
    void generatedCredentialSettingsShowNeitherKeyNorCommandArguments() {
        TestKeys keys = TestKeys.generate();
        RsaSigningKey key = RsaSigningKey.of(keys.privateKey);
        ManualClock clock = new ManualClock();
        GitHubAppInstallationTokens.Settings app = new GitHubAppInstallationTokens.Settings(
                URI.create("https://ghe.example.com/api/v3"), "12345", 111, key, Duration.ofSeconds(5));
        CommandCredentials.Settings command = new CommandCredentials.Settings(
                List.of("/usr/local/bin/get-token", "--password", CLIENT_SECRET), Duration.ofSeconds(5), Duration.ofMinutes(15));
        List<String> shown = List.of(app.toString(), key.toString(),
                new GitHubAppInstallationTokens(app, HttpClient.newHttpClient(), clock).toString(), command.toString(),
                new CommandCredentials(command, Runnable::run, clock).toString());

        String exponent = keys.privateKey.getPrivateExponent().toString();
        String exponentHex = keys.privateKey.getPrivateExponent().toString(16);
        String pemLine = keys.pkcs8Pem().lines().skip(3).findFirst().orElseThrow();
        assertThat(shown).allSatisfy(text -> assertThat(text)
                .doesNotContain(exponent, exponentHex, pemLine, CLIENT_SECRET, "--password"));
        assertThat(String.join("\n", shown)).contains(key.fingerprint(), "/usr/local/bin/get-token", "installation 111");
    }

    private static String failureMessage(CompletableFuture<TokenLease> future) {
        try {
            future.join();
        } catch (CompletionException e) {
            return e.getCause().getMessage();
        }
        throw new AssertionError("expected a refusal");
    }
}
