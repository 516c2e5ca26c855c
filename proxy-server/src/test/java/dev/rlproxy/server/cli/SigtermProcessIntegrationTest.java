package dev.rlproxy.server.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The real process: `run --log-format json` serves the admin listener and logs JSON; SIGTERM drains and exits 0. */
@EnabledOnOs({OS.LINUX, OS.MAC})
class SigtermProcessIntegrationTest {

    @Test
    void sigtermDrainsAndExitsZero(@TempDir Path dir) throws Exception {
        int adminPort = freePort();
        Path config = Files.writeString(dir.resolve("proxy.yaml"), """
                server: { listen: "127.0.0.1:0", drainTimeout: 5s }
                admin: { listen: "127.0.0.1:%d" }
                upstreams:
                  api: { url: "http://127.0.0.1:9" }
                routes:
                  - match: { pathPrefix: "/api/" }
                    upstream: api
                """.formatted(adminPort));
        Path log = dir.resolve("stderr.log");
        Process process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run", "--config", config.toString(),
                "--log-format", "json"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            HttpClient client = HttpClient.newHttpClient();
            HttpRequest readyz = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/readyz")).build();
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> client.send(readyz, HttpResponse.BodyHandlers.ofString()).statusCode() == 200);

            process.destroy(); // SIGTERM
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isZero();
            String output = Files.readString(log);
            assertThat(output).contains("\"loggerName\":\"rlproxy\"", "\"formattedMessage\":\"rlproxy development build started: config ",
                    "shutting down", "drained");
            assertThat(output.lines().filter(line -> line.contains("drained")))
                    .allSatisfy(line -> assertThat(line).startsWith("{").endsWith("}"));
        } finally {
            process.destroyForcibly();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
