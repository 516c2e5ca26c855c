package dev.rlproxy.core.tokens;

import static dev.rlproxy.core.tokens.PoolFixture.SECOND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import dev.rlproxy.core.tokens.OAuth2ClientCredentials.CredentialRequestFailedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Token commands: real processes started from small shell scripts written by each test. */
@DisabledOnOs(OS.WINDOWS)
class CommandCredentialsTest {

    private static final Duration LIFETIME = Duration.ofMinutes(15);
    private static final String TOKEN = "cmd-token-Do-Not-Leak-4711";

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void plainTextIsTheTokenAndLivesTheConfiguredLifetime() throws Exception {
        GeneratedCredential credential = run(script("printf '%s\\n' " + TOKEN));

        assertThat(credential.token().value()).isEqualTo(TOKEN);
        assertThat(credential.expiresAt()).isEqualTo(now().plus(LIFETIME));
    }

    @Test
    void jsonWithTokenAndExpiresAt() throws Exception {
        GeneratedCredential credential = run(script(
                "echo '{\"token\": \"" + TOKEN + "\", \"expiresAt\": \"2026-01-01T00:42:00Z\"}'"));

        assertThat(credential.token().value()).isEqualTo(TOKEN);
        assertThat(credential.expiresAt()).isEqualTo(Instant.parse("2026-01-01T00:42:00Z"));
    }

    @Test
    void jsonWithAccessTokenAndExpiresIn() throws Exception {
        GeneratedCredential credential = run(script(
                "echo '{\"access_token\":\"" + TOKEN + "\",\"token_type\":\"bearer\",\"expires_in\":600}'"));

        assertThat(credential.token().value()).isEqualTo(TOKEN);
        assertThat(credential.expiresAt()).isEqualTo(now().plusSeconds(600));
    }

    @Test
    void aStatedExpiryIsCappedAtADay() throws Exception {
        GeneratedCredential credential = run(script("echo '{\"token\":\"t\",\"expires_in\":99999999}'"));
        assertThat(credential.expiresAt()).isEqualTo(now().plus(CommandTokenOutput.MAX_LIFETIME));
    }

    @Test
    void argumentsArePassedAsTheyAreWithoutAShell() throws Exception {
        Path program = script("""
                [ "$#" = 3 ] && [ "$1" = 'a b' ] && [ "$2" = '$HOME' ] && [ "$3" = ';exit 9' ] || exit 7
                echo args-ok""");
        GeneratedCredential credential = generator(List.of(program.toString(), "a b", "$HOME", ";exit 9"),
                Duration.ofSeconds(10)).generate().get(10, TimeUnit.SECONDS);
        assertThat(credential.token().value()).isEqualTo("args-ok");
    }

    @Test
    void aNonZeroExitFailsWithTheCodeAndByteCountsOnly() {
        Path program = script("echo " + TOKEN + "; echo 'vault: permission denied for " + TOKEN + "' >&2; exit 3");

        String message = failure(program);

        assertThat(message).contains("token command " + program, "exit code 3",
                "stdout " + (TOKEN.length() + 1) + " bytes", "stderr " + ("vault: permission denied for " + TOKEN + "\n").length() + " bytes")
                .doesNotContain(TOKEN, "permission");
    }

    @Test
    void outputThatIsNotATokenIsRefusedWithoutQuotingIt() {
        assertThat(failure(script("true"))).contains("printed no token (empty output)");
        assertThat(failure(script("echo " + TOKEN + "; echo second-line-" + TOKEN)))
                .contains("printed 2 lines, not a token").doesNotContain(TOKEN);
        assertThat(failure(script("echo 'Token: " + TOKEN + "'")))
                .contains("a token with spaces").doesNotContain(TOKEN);
        assertThat(failure(script("echo '{\"tok\": \"" + TOKEN + "\"}'")))
                .contains("JSON without a \"token\" or \"access_token\"").doesNotContain(TOKEN);
        assertThat(failure(script("echo '{\"token\": \"" + TOKEN + "\"'")))
                .contains("not a JSON object").doesNotContain(TOKEN);
        assertThat(failure(script("echo '{\"token\": \"" + TOKEN + "\", \"expiresAt\": \"tomorrow " + TOKEN + "\"}'")))
                .contains("expiresAt that is not an ISO-8601 time").doesNotContain(TOKEN);
        assertThat(failure(script("printf '\\377\\376" + TOKEN + "'")))
                .contains("not UTF-8 text").doesNotContain(TOKEN);
    }

    @Test
    void tooMuchOutputKillsTheCommand() {
        String message = failure(script("head -c 200000 /dev/zero | tr '\\0' a; sleep 30"));
        assertThat(message).contains("printed more than " + CommandCredentials.MAX_OUTPUT_BYTES + " bytes and was killed");
    }

    @Test
    void aCommandPastItsTimeoutIsKilledWithTheProcessesItStarted() throws Exception {
        Path pid = dir.resolve("pid");
        Path childPid = dir.resolve("child.pid");
        Path program = script("echo $$ > " + pid + "\nsleep 300 &\necho $! > " + childPid + "\nwait");

        Throwable failure = catchThrowable(() -> generator(List.of(program.toString()), Duration.ofMillis(500))
                .generate().get(10, TimeUnit.SECONDS));

        assertThat(failure.getCause()).isInstanceOf(CredentialRequestFailedException.class)
                .hasMessageContaining("did not finish within 500 ms and was killed");
        for (Path started : List.of(pid, childPid)) {
            long id = Long.parseLong(Files.readString(started).strip());
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> ProcessHandle.of(id).map(p -> !p.isAlive()).orElse(true));
        }
    }

    @Test
    void aMissingProgramFailsClearly() {
        assertThat(failure(dir.resolve("no-such-program"))).contains("could not be started");
    }

    @Test
    void asARefreshingCredentialItRunsAgainBeforeTheTokenExpires() {
        Path counter = dir.resolve("count");
        Path program = script("n=$(cat " + counter + " 2>/dev/null || echo 0); n=$((n+1)); echo $n > " + counter
                + "; echo token-$n");
        ManualScheduler scheduler = new ManualScheduler(clock);
        RefreshingCredential credential = new RefreshingCredential("command test",
                generator(List.of(program.toString()), Duration.ofSeconds(10)), Duration.ofSeconds(60), clock, scheduler);
        List<String> seen = new CopyOnWriteArrayList<>();
        credential.onChange(() -> credential.current().ifPresent(s -> seen.add(s.value())));

        credential.start();
        // The next run is scheduled before the listeners hear of the token: wait for both.
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 1 && scheduler.pending() == 1);
        assertThat(seen).containsExactly("token-1");
        scheduler.advanceNanos(LIFETIME.toSeconds() * SECOND - 61 * SECOND);
        assertThat(seen).as("not before refreshBefore ahead of expiry").containsExactly("token-1");
        scheduler.advanceNanos(SECOND);
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 2);
        assertThat(seen).containsExactly("token-1", "token-2");
        credential.stop();
    }

    private GeneratedCredential run(Path program) throws Exception {
        return generator(List.of(program.toString()), Duration.ofSeconds(10)).generate().get(10, TimeUnit.SECONDS);
    }

    private String failure(Path program) {
        Throwable failure = catchThrowable(() -> run(program));
        assertThat(failure).as("the command must fail").isNotNull();
        assertThat(failure.getCause()).isInstanceOf(CredentialRequestFailedException.class);
        return failure.getCause().getMessage();
    }

    private CommandCredentials generator(List<String> command, Duration timeout) {
        return new CommandCredentials(new CommandCredentials.Settings(command, timeout, LIFETIME), threads, clock);
    }

    private Instant now() {
        return Instant.ofEpochMilli(clock.wallMillis());
    }

    private Path script(String body) {
        try {
            Path file = Files.createTempFile(dir, "token-command", ".sh");
            Files.writeString(file, "#!/bin/sh\n" + body + "\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
            return file;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
