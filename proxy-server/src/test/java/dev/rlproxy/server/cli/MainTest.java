package dev.rlproxy.server.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The command-line contract documented in the README: validate prints OK or FILE:LINE:COLUMN errors, exit 0 / 2. */
class MainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private PrintStream originalErr;

    @BeforeEach
    void capture() {
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    private static final String GOOD = """
            upstreams:
              api: { url: "http://127.0.0.1:9" }
            routes:
              - match: { pathPrefix: "/api/" }
                upstream: api
            """;

    @Test
    void validateSaysOkForAGoodFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("ok.yaml"), GOOD);
        assertThat(Main.execute("validate", "--config", file.toString())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8).trim()).isEqualTo("OK");
    }

    @Test
    void validateNamesFileLineAndColumnAndExitsTwo(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yaml"), GOOD.replace("pathPrefix", "pathPrefx"));
        assertThat(Main.execute("validate", "--config", file.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains(file + ":4:")
                .contains("did you mean 'pathPrefix'");
    }

    @Test
    void validateAppliesSetValuesWithTheFilesChecks(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("ok.yaml"), GOOD);
        assertThat(Main.execute("validate", "--config", file.toString(), "--set", "admin.listen=0.0.0.0:9090",
                "--set", "admin.authToken=s3cret")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8).trim()).isEqualTo("OK");
        assertThat(Main.execute("validate", "--config", file.toString(), "--set", "server.listen=nowhere",
                "--set", "admin.authToken=s3cret")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("--set: server.listen: expected host:port")
                .doesNotContain("s3cret");
    }

    @Test
    void runRefusesAMalformedSetBeforeStarting(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("ok.yaml"), GOOD);
        assertThat(Main.execute("run", "--config", file.toString(), "--set", "s3cret")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--set: expected key.path=value")
                .doesNotContain("s3cret");
    }

    @Test
    void logOptionsFallBackToTheirVariables() {
        assertThat(LogSetup.fromEnvironment(Map.of("RLPROXY_LOG_FORMAT", " JSON "), LogSetup.FORMAT_VARIABLE,
                LogSetup.Format.class)).isEqualTo(LogSetup.Format.json);
        assertThat(LogSetup.fromEnvironment(Map.of("RLPROXY_LOG_LEVEL", ""), LogSetup.LEVEL_VARIABLE,
                LogSetup.LogLevel.class)).isNull();
        assertThatThrownBy(() -> LogSetup.fromEnvironment(Map.of("RLPROXY_LOG_LEVEL", "loud"),
                LogSetup.LEVEL_VARIABLE, LogSetup.LogLevel.class))
                .hasMessage("RLPROXY_LOG_LEVEL: expected one of error, warn, info, debug, trace, got 'loud'");
    }

    @Test
    void runRefusesUnusableTlsFilesNamingTheFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("tls.crt"), "not a certificate");
        Files.writeString(dir.resolve("tls.key"), "not a key");
        Path file = Files.writeString(dir.resolve("tls.yaml"), "server: { listen: \"127.0.0.1:0\", "
                + "tls: { certFile: tls.crt, keyFile: tls.key } }\n" + GOOD);
        assertThat(Main.execute("run", "--config", file.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8).trim())
                .isEqualTo(file + ": " + dir.resolve("tls.crt") + ": no -----BEGIN CERTIFICATE----- block");

        err.reset();
        Path admin = Files.writeString(dir.resolve("admin-tls.yaml"), "server: { listen: \"127.0.0.1:0\" }\n"
                + "admin: { listen: \"127.0.0.1:0\", tls: { certFile: tls.crt, keyFile: tls.key } }\n" + GOOD);
        assertThat(Main.execute("run", "--config", admin.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8).trim())
                .isEqualTo(admin + ": " + dir.resolve("tls.crt") + ": no -----BEGIN CERTIFICATE----- block");
    }

    @Test
    void versionAndHelpWork() {
        assertThat(Main.execute("--version")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("rlproxy ");
        assertThat(Main.execute("validate", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--config");
    }

    @Test
    void missingCommandIsAUsageError() {
        assertThat(Main.execute()).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Missing command");
    }

    @Test
    void aProxyAddressInUseIsOneLineNamingItAndExitCodeThree(@TempDir Path dir) throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Path file = Files.writeString(dir.resolve("busy.yaml"),
                    "server: { listen: \"127.0.0.1:" + taken.getLocalPort() + "\" }\n" + GOOD);
            assertThat(Main.execute("run", "--config", file.toString())).isEqualTo(3);
            assertThat(err.toString(StandardCharsets.UTF_8).trim())
                    .isEqualTo("cannot listen on 127.0.0.1:" + taken.getLocalPort()
                            + " for the proxy listener: address already in use");
        }
    }

    @Test
    void anAdminAddressInUseIsOneLineNamingItAndExitCodeThree(@TempDir Path dir) throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Path file = Files.writeString(dir.resolve("busy.yaml"), "server: { listen: \"127.0.0.1:0\" }\n"
                    + "admin: { listen: \"127.0.0.1:" + taken.getLocalPort() + "\" }\n" + GOOD);
            assertThat(Main.execute("run", "--config", file.toString())).isEqualTo(3);
            assertThat(err.toString(StandardCharsets.UTF_8).trim())
                    .startsWith("cannot listen on 127.0.0.1:" + taken.getLocalPort() + " for the admin listener:")
                    .doesNotContain("\n");
        }
    }

    @Test
    void anUnknownLogFormatIsAUsageError(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("ok.yaml"), GOOD);
        assertThat(Main.execute("run", "--config", file.toString(), "--log-format", "xml")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--log-format").contains("text, json");
    }
}
