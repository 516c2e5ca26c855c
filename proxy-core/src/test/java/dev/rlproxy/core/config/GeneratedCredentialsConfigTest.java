package dev.rlproxy.core.config;

import dev.rlproxy.core.tokens.RsaSigningKey;
import dev.rlproxy.core.tokens.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.rlproxy.core.config.ConfigFiles.errors;
import static dev.rlproxy.core.config.ConfigFiles.located;
import static org.assertj.core.api.Assertions.assertThat;

/** tokens.githubApp and tokens.command: defaults, the key read at load, and errors at their line and column. */
class GeneratedCredentialsConfigTest {

    private static final TestKeys KEYS = TestKeys.generate();

    @TempDir
    Path dir;

    /** An upstream whose tokens section is {@code tokens} (indented 6 spaces), plus a route. */
    private static String withTokens(String tokens) {
        return """
                upstreams:
                  api:
                    url: "https://ghe.example.com/api/v3"
                    tokens:
                """ + tokens + """
                routes:
                  - match: { pathPrefix: "/api/" }
                    upstream: api
                """;
    }

    private List<String> problems(String tokens, Map<String, String> env) {
        return located(errors(dir, withTokens(tokens), env));
    }

    @Test
    void githubAppWithAKeyFileRelativeToTheConfig() throws IOException {
        Files.writeString(dir.resolve("app.pem"), KEYS.pkcs1Pem());
        ProxyConfig config = ConfigFiles.load(dir, withTokens("""
                      githubApp:
                        appId: 12345
                        privateKeyFile: app.pem
                        installations: [111, 222]
                """));

        UpstreamConfig api = config.upstreams().get("api");
        GitHubAppConfig app = api.tokens().githubApp();
        assertThat(app.appId()).isEqualTo("12345");
        assertThat(app.signingKey().key()).isEqualTo(KEYS.privateKey);
        assertThat(app.installations()).containsExactly(111L, 222L);
        assertThat(app.refreshBefore()).isEqualTo(Duration.ofMinutes(5));
        assertThat(app.apiUrlOr(api.url())).as("apiUrl defaults to the upstream's url")
                .isEqualTo(URI.create("https://ghe.example.com/api/v3"));
        assertThat(config.toString()).doesNotContain(KEYS.privateKey.getPrivateExponent().toString())
                .contains("RSA private key (2048 bits, sha256:");
    }

    @Test
    void githubAppWithTheKeyFromAVariableAndAnApiUrl() {
        ProxyConfig config = ConfigFiles.load(dir, withTokens("""
                      githubApp:
                        appId: Iv23liClientId
                        privateKey: "${GITHUB_APP_KEY}"
                        installations: [7]
                        apiUrl: "https://api.github.com"
                        refreshBefore: 10m
                """), Map.of("GITHUB_APP_KEY", KEYS.pkcs8Pem()));

        GitHubAppConfig app = config.upstreams().get("api").tokens().githubApp();
        assertThat(app.signingKey()).isEqualTo(RsaSigningKey.of(KEYS.privateKey));
        assertThat(app.apiUrlOr(URI.create("http://ignored"))).isEqualTo(URI.create("https://api.github.com"));
        assertThat(app.refreshBefore()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void keyProblemsAreReportedAtTheKeyWithoutItsContent() throws IOException {
        Files.writeString(dir.resolve("notes.txt"), "my app key is somewhere else\n");
        Files.writeString(dir.resolve("ec.pem"), ecKeyPem());
        String pem = KEYS.pkcs8Pem();
        String junk = pem.substring(0, pem.length() / 2);

        assertThat(problems(appWithKeyFile("missing.pem"), Map.of())).containsExactly(
                "7:25: upstreams.api.tokens.githubApp.privateKeyFile: file not found: " + dir.resolve("missing.pem"));
        assertThat(problems(appWithKeyFile("notes.txt"), Map.of())).containsExactly(
                "7:25: upstreams.api.tokens.githubApp.privateKeyFile: " + dir.resolve("notes.txt")
                        + ": not a PEM private key: expected a -----BEGIN RSA PRIVATE KEY----- or -----BEGIN PRIVATE KEY----- block");
        assertThat(problems(appWithKeyFile("ec.pem"), Map.of())).containsExactly(
                "7:25: upstreams.api.tokens.githubApp.privateKeyFile: " + dir.resolve("ec.pem")
                        + ": the key is an EC key; a GitHub App private key is RSA");
        List<String> fromVariable = problems("""
                      githubApp: { appId: 1, privateKey: "${KEY}", installations: [1] }
                """, Map.of("KEY", junk));
        assertThat(fromVariable).containsExactly("5:42: upstreams.api.tokens.githubApp.privateKey: "
                + "not a PEM private key: expected a -----BEGIN RSA PRIVATE KEY----- or -----BEGIN PRIVATE KEY----- block");
        assertThat(String.join("\n", fromVariable)).doesNotContain(junk.substring(40, 70));
    }

    @Test
    void githubAppShapeProblems() throws IOException {
        Files.writeString(dir.resolve("app.pem"), KEYS.pkcs1Pem());
        assertThat(problems("""
                      githubApp:
                        privateKeyFile: app.pem
                        installations: [111, 0, 111]
                        apiUrl: "ftp://x"
                """, Map.of())).containsExactly(
                "5:7: upstreams.api.tokens.githubApp.appId: required: the App's numeric id (or its client id), like 12345",
                "7:30: upstreams.api.tokens.githubApp.installations[1]: must be an installation id (a whole number >= 1)",
                "7:33: upstreams.api.tokens.githubApp.installations[2]: same installation as installations[0]",
                "8:17: upstreams.api.tokens.githubApp.apiUrl: must be an http:// or https:// URL");
        assertThat(problems("""
                      githubApp: { appId: 1, installations: [] }
                """, Map.of())).containsExactly(
                "5:7: upstreams.api.tokens.githubApp.privateKeyFile: required: the App's private key file "
                        + "(or privateKey with the PEM text, like \"${GITHUB_APP_KEY}\")",
                "5:30: upstreams.api.tokens.githubApp.installations: at least one installation id is required, like [111]");
        assertThat(problems("""
                      githubApp: { appId: 1, privateKeyFile: app.pem, privateKey: "${K}", installations: [1] }
                """, Map.of("K", KEYS.pkcs8Pem()))).containsExactly(
                "5:67: upstreams.api.tokens.githubApp.privateKey: give privateKeyFile or privateKey, not both");
    }

    @Test
    void commandWithDefaultsShowsOnlyItsProgram() {
        ProxyConfig config = ConfigFiles.load(dir, withTokens("""
                      command: { run: [get-token, --password, "${PW}"] }
                """), Map.of("PW", "pw-s3cret"));

        CommandConfig command = config.upstreams().get("api").tokens().command();
        assertThat(command.run()).containsExactly("get-token", "--password", "pw-s3cret");
        assertThat(command.refreshBefore()).isEqualTo(Duration.ofSeconds(60));
        assertThat(command.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(command.lifetime()).isEqualTo(Duration.ofMinutes(15));
        assertThat(config.toString()).doesNotContain("pw-s3cret", "--password").contains("get-token +2 argument(s)");
    }

    @Test
    void commandProblems() throws IOException {
        Path notExecutable = Files.writeString(dir.resolve("plain.sh"), "echo x\n");
        Files.setPosixFilePermissions(notExecutable, PosixFilePermissions.fromString("rw-------"));

        assertThat(problems("""
                      command: { run: ["/no/such/get-token"], timeout: 10m, lifetime: 0s, refreshBefore: 1s }
                """, Map.of())).containsExactly(
                "5:24: upstreams.api.tokens.command.run[0]: program not found: /no/such/get-token",
                "5:56: upstreams.api.tokens.command.timeout: must be between 1ms and 5m",
                "5:71: upstreams.api.tokens.command.lifetime: must be positive");
        assertThat(problems("""
                      command: { run: ["%s"] }
                """.formatted(notExecutable), Map.of())).containsExactly(
                "5:24: upstreams.api.tokens.command.run[0]: program is not executable: " + notExecutable);
        assertThat(problems("""
                      command: { run: [] }
                """, Map.of())).containsExactly("5:18: upstreams.api.tokens.command.run: required: the program and "
                + "its arguments, like [\"/usr/local/bin/get-token\"]");
    }

    private static String appWithKeyFile(String file) {
        return """
                      githubApp:
                        appId: 12345
                        privateKeyFile: %s
                        installations: [111]
                """.formatted(file);
    }

    private static String ecKeyPem() {
        try {
            java.security.KeyPairGenerator ec = java.security.KeyPairGenerator.getInstance("EC");
            ec.initialize(256);
            return "-----BEGIN PRIVATE KEY-----\n" + java.util.Base64.getMimeEncoder().encodeToString(
                    ec.generateKeyPair().getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
