package dev.rlproxy.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Node.js client scripts in {@code src/test/node}, installed with {@code npm ci} from their
 * committed lock file into {@code target/node-clients} and run with {@code node}.
 */
final class NodeClients {

    private static final Path SOURCES = Path.of("src", "test", "node");
    private static final Path INSTALL = Path.of("target", "node-clients");
    private static final ObjectMapper JSON = new ObjectMapper();

    private NodeClients() {
    }

    /** Whether {@code node} and {@code npm} run on this machine. */
    static boolean available() {
        return runs("node", "--version") && runs("npm", "--version");
    }

    /** Copies the scripts and installs their locked dependencies (once per build: npm ci is idempotent). */
    static synchronized void install() {
        try {
            Files.createDirectories(INSTALL);
            try (Stream<Path> files = Files.list(SOURCES)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    Files.copy(file, INSTALL.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Result result = run(INSTALL, 600, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error");
            assertThat(result.exit).as("npm ci in %s failed:%n%s", INSTALL, result.output).isZero();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code node script args...} and returns the JSON line it printed last. */
    static JsonNode runScript(String script, String... args) {
        List<String> command = new ArrayList<>(List.of("node", script));
        command.addAll(List.of(args));
        Result result = run(INSTALL, 180, command.toArray(new String[0]));
        assertThat(result.exit).as("node %s failed:%n%s", script, result.output).isZero();
        String[] lines = result.output.strip().split("\n");
        try {
            return JSON.readTree(lines[lines.length - 1]);
        } catch (IOException e) {
            throw new AssertionError("node " + script + " printed no JSON result:\n" + result.output, e);
        }
    }

    private static boolean runs(String... command) {
        try {
            return run(Path.of("."), 30, command).exit == 0;
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    private record Result(int exit, String output) {
    }

    private static Result run(Path directory, long timeoutSeconds, String... command) {
        try {
            Path log = Files.createTempFile("rlproxy-node", ".log");
            try {
                Process process = new ProcessBuilder(command).directory(directory.toFile())
                        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
                if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError(String.join(" ", command) + " did not finish within " + timeoutSeconds
                            + " s:\n" + Files.readString(log, StandardCharsets.UTF_8));
                }
                return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
