package dev.rlproxy.server.it;

import dev.rlproxy.core.tokens.TokenState;
import dev.rlproxy.core.tokens.TokenStatus;
import dev.rlproxy.server.simulator.SimulatorSpec;
import dev.rlproxy.server.simulator.UpstreamSimulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Token commands feeding a real proxy's pool; neither the token nor the commands' output reaches a log. */
@DisabledOnOs(OS.WINDOWS)
class CommandTokensIntegrationTest {

    private static final String TOKEN = "cmd_SecretToken000000000000000000001";
    private static final String ARGUMENT_SECRET = "cmd_SecretArgument0000000000000002";

    @TempDir
    Path dir;

    @Test
    void requestsCarryTheCommandsTokenAndNothingSecretIsLogged() throws IOException {
        Path good = script("good", "[ \"$1\" = --audience ] && [ \"$2\" = '" + ARGUMENT_SECRET + "' ] || exit 5\n"
                + "echo '{\"token\": \"" + TOKEN + "\", \"expires_in\": 3600}'");
        Path broken = script("broken", "echo " + TOKEN + "; echo 'denied: " + TOKEN + "' >&2; exit 3");
        List<String> lines;
        try (CapturedLogs logs = new CapturedLogs();
             UpstreamSimulator upstream = UpstreamSimulator.start(SimulatorSpec.github(100, Duration.ofMinutes(1))
                     .withValidTokens(Set.of(TOKEN)));
             RunningProxy proxy = RunningProxy.start("""
                     server: { listen: "127.0.0.1:0" }
                     queue: { maxWait: 10s }
                     upstreams:
                       api:
                         url: "%s"
                         dialect: github
                         tokens:
                           command: { run: ["%s", "--audience", "${AUDIENCE}"], timeout: 5s }
                       broken:
                         url: "%s"
                         tokens:
                           command: { run: ["%s"] }
                     routes:
                       - match: { pathPrefix: "/api/" }
                         upstream: api
                       - match: { pathPrefix: "/broken/" }
                         upstream: broken
                     """.formatted(upstream.baseUrl(), good, upstream.baseUrl(), broken),
                     Map.of("AUDIENCE", ARGUMENT_SECRET))) {

            for (int i = 0; i < 3; i++) {
                assertThat(proxy.get("/api/user").statusCode()).isEqualTo(200);
            }
            assertThat(upstream.acceptedByToken()).containsOnly(Map.entry(TOKEN, 3L));
            await().atMost(Duration.ofSeconds(10)).until(() -> logs.lines().stream()
                    .anyMatch(line -> line.startsWith("WARN") && line.contains("exit code 3")));
            List<TokenStatus> brokenStatus = proxy.app.upstreams().get("broken").tokens().status();
            assertThat(brokenStatus).extracting(TokenStatus::state).containsExactly(TokenState.PENDING);
            assertThat(proxy.app.upstreams().toString() + brokenStatus).doesNotContain(TOKEN, ARGUMENT_SECRET);
            lines = logs.lines();
        }

        assertThat(lines).as("the capture works: the run was logged at DEBUG with its byte counts")
                .anyMatch(line -> line.startsWith("DEBUG") && line.contains("token command " + dirPrefix())
                        && line.contains("exit code 0, stdout "));
        assertThat(lines).as("the failure names the exit code and sizes only")
                .anyMatch(line -> line.contains("exit code 3, stdout " + (TOKEN.length() + 1) + " bytes"));
        for (String secret : List.of(TOKEN, ARGUMENT_SECRET, "denied")) {
            assertThat(lines).as("log lines").noneMatch(line -> line.contains(secret));
        }
    }

    private String dirPrefix() {
        return dir.toString();
    }

    private Path script(String name, String body) throws IOException {
        Path file = dir.resolve(name + ".sh");
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }
}
