package dev.rlproxy.server.cli;

import dev.rlproxy.server.simulator.SimulatedDialect;
import dev.rlproxy.server.simulator.SimulatorSpec;
import dev.rlproxy.server.simulator.UpstreamSimulator;
import dev.rlproxy.server.simulator.WindowMode;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.ServerSocket;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Option parsing and validation of {@code simulate}; never starts a long-running simulator. */
class SimulateCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int execute(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    /** Parses {@code args} as the simulate command's options and returns the validated spec. */
    private static SimulatorSpec parse(String... args) {
        SimulateCommand command = new SimulateCommand();
        new CommandLine(command).parseArgs(args);
        return command.simulatorSpec();
    }

    @Test
    void defaultsAreAGitHubUpstreamOnPort8089() {
        SimulateCommand command = new SimulateCommand();
        new CommandLine(command).parseArgs();
        SimulatorSpec spec = command.simulatorSpec();

        assertThat(command.port).isEqualTo(8089);
        assertThat(command.host).isEqualTo("127.0.0.1");
        assertThat(spec.dialect()).isEqualTo(SimulatedDialect.GITHUB);
        assertThat(spec.limit()).isEqualTo(30);
        assertThat(spec.window()).isEqualTo(Duration.ofSeconds(10));
        assertThat(spec.windowMode()).isEqualTo(WindowMode.FIXED);
        assertThat(spec.validTokens()).isEmpty();
        assertThat(spec.latency()).isZero();
    }

    @Test
    void aSimulatorOnEveryInterfaceAnswersOnLoopbackAndLinksThere() throws Exception {
        try (UpstreamSimulator simulator = UpstreamSimulator.start(SimulatorSpec.github(5, Duration.ofMinutes(1)),
                "0.0.0.0", 0)) {
            assertThat(simulator.baseUrl()).isEqualTo("http://127.0.0.1:" + simulator.port());
            HttpResponse<String> answer = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/rate_limit")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(simulator.requestsSeen()).isEqualTo(1);
        }
    }

    @Test
    void everyOptionReachesTheSpec() {
        SimulatorSpec spec = parse("--port", "0", "--dialect", "Discord", "--limit", "5", "--window", "1m30s",
                "--window-mode", "sliding", "--tokens", "tok-a,tok-b", "--latency", "250ms");

        assertThat(spec.dialect()).isEqualTo(SimulatedDialect.DISCORD);
        assertThat(spec.limit()).isEqualTo(5);
        assertThat(spec.window()).isEqualTo(Duration.ofSeconds(90));
        assertThat(spec.windowMode()).isEqualTo(WindowMode.SLIDING);
        assertThat(spec.validTokens()).containsExactlyInAnyOrder("tok-a", "tok-b");
        assertThat(spec.latency()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void eachDialectIsAccepted() {
        for (String name : new String[]{"github", "discord", "openai", "ietf", "none"}) {
            assertThat(parse("--dialect", name).dialect().name()).isEqualToIgnoringCase(name);
        }
    }

    @Test
    void unknownDialectIsAUsageErrorListingTheChoices() {
        assertThat(execute("simulate", "--dialect", "shopify")).isEqualTo(2);
        assertThat(err.toString())
                .contains("--dialect")
                .contains("'shopify' is not a dialect; expected github, discord, openai, ietf or none");
    }

    @Test
    void nonPositiveLimitIsRejected() {
        assertThat(execute("simulate", "--limit", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--limit must be a positive number of requests, got 0");
    }

    @Test
    void windowNeedsAUnitAndALength() {
        assertThat(execute("simulate", "--window", "10")).isEqualTo(2);
        assertThat(err.toString()).contains("--window").contains("expected a duration like 30s");

        assertThatThrownBy(() -> parse("--window", "0s"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--window must be longer than 0");
    }

    @Test
    void portOutOfRangeIsRejected() {
        assertThatThrownBy(() -> parse("--port", "70000"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessage("--port must be between 0 and 65535, got 70000");
    }

    @Test
    void emptyTokenEntryIsRejectedWithoutEchoingTokens() {
        assertThatThrownBy(() -> parse("--tokens", "secret-one,,secret-two"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--tokens has an empty entry")
                .message().doesNotContain("secret-one").doesNotContain("secret-two");
    }

    @Test
    void helpListsEveryOption() {
        assertThat(execute("simulate", "--help")).isZero();
        assertThat(out.toString()).contains("--port", "--dialect", "--limit", "--window", "--window-mode",
                "--tokens", "--latency", "--report-every", "github | discord | openai | ietf | none");
    }

    @Test
    void topLevelHelpNamesTheCommand() {
        assertThat(execute("--help")).isZero();
        assertThat(out.toString()).contains("simulate");
    }

    @Test
    void aPortInUseFailsWithAClearMessageBeforeStartingTheSimulator() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int exit = execute("simulate", "--port", String.valueOf(taken.getLocalPort()));

            assertThat(exit).isEqualTo(1);
            assertThat(err.toString()).contains("Cannot listen on 127.0.0.1:" + taken.getLocalPort())
                    .contains("--port 0");
            assertThat(out.toString()).doesNotContain("Simulated");
        }
    }
}
