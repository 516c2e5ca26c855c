package dev.rlproxy.core.tokens;

import dev.rlproxy.core.time.Clock;
import dev.rlproxy.core.tokens.OAuth2ClientCredentials.CredentialRequestFailedException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A token printed by a command, the way cloud CLIs' credential processes work: for vaults and
 * in-house token services. The command runs without a shell ({@link ProcessBuilder}, arguments
 * passed as they are), with stdin closed and the proxy's environment; its output is read by
 * {@link CommandTokenOutput}.
 *
 * <ul>
 *   <li>Runs on {@code executor} threads, never the caller's: the wait for the process blocks.</li>
 *   <li>Past {@code timeout}, the process and every process it started are killed.</li>
 *   <li>At most {@link #MAX_OUTPUT_BYTES} of stdout; more kills the command. Stderr is drained and
 *       counted, never kept.</li>
 *   <li>Neither output is ever logged or put in an error: only the exit code and byte counts. Only
 *       the program is named, never its arguments (they may carry secrets).</li>
 * </ul>
 */
public final class CommandCredentials implements CredentialGenerator {

    static final int MAX_OUTPUT_BYTES = 64 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(CommandCredentials.class);

    /**
     * @param command         the program and its arguments
     * @param timeout         how long one run may take
     * @param defaultLifetime how long a token is used when the output states no expiry
     */
    public record Settings(List<String> command, Duration timeout, Duration defaultLifetime) {
        public Settings {
            if (command == null || command.isEmpty() || command.get(0) == null || command.get(0).isBlank()) {
                throw new IllegalArgumentException("a token command needs a program to run");
            }
            command = List.copyOf(command);
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("a token command's timeout must be positive, was " + timeout);
            }
            if (defaultLifetime == null || defaultLifetime.isNegative() || defaultLifetime.isZero()) {
                throw new IllegalArgumentException("a token command's lifetime must be positive, was " + defaultLifetime);
            }
        }

        /** The program alone: what logs and errors may name. */
        public String program() {
            return command.get(0);
        }

        @Override
        public String toString() {
            return "Settings[program=" + program() + ", " + (command.size() - 1) + " argument(s), timeout=" + timeout
                    + ", defaultLifetime=" + defaultLifetime + "]";
        }
    }

    private final Settings settings;
    private final Executor executor;
    private final Clock clock;

    public CommandCredentials(Settings settings, Executor executor, Clock clock) {
        if (settings == null || executor == null || clock == null) {
            throw new IllegalArgumentException("a token command needs settings, an executor and a clock");
        }
        this.settings = settings;
        this.executor = executor;
        this.clock = clock;
    }

    @Override
    public CompletableFuture<GeneratedCredential> generate() {
        return CompletableFuture.supplyAsync(this::runOnce, executor);
    }

    private GeneratedCredential runOnce() {
        long started = clock.nanoTime();
        Process process;
        try {
            process = new ProcessBuilder(settings.command()).start();
        } catch (IOException e) {
            // ProcessBuilder's message names the program and the OS error only, never the arguments.
            throw fail("could not be started: " + e.getMessage());
        }
        try {
            process.getOutputStream().close(); // no input: a command that asks for some reads end-of-file
        } catch (IOException e) {
            // It exited already; its output tells the rest.
        }
        AtomicBoolean overflow = new AtomicBoolean();
        CompletableFuture<byte[]> stdout = CompletableFuture.supplyAsync(
                () -> readBounded(process, overflow), executor);
        CompletableFuture<Long> stderr = CompletableFuture.supplyAsync(
                () -> drain(process.getErrorStream()), executor);
        long deadline = started + settings.timeout().toNanos();
        byte[] output;
        try {
            if (!process.waitFor(settings.timeout().toNanos(), TimeUnit.NANOSECONDS)) {
                killTree(process);
                throw fail("did not finish within " + settings.timeout().toMillis() + " ms and was killed");
            }
            // A process it left behind may still hold stdout open: that counts against the timeout.
            output = stdout.get(Math.max(0, deadline - clock.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            killTree(process);
            Thread.currentThread().interrupt();
            throw fail("was interrupted and killed");
        } catch (TimeoutException e) {
            throw fail("exited but its output stayed open past " + settings.timeout().toMillis()
                    + " ms (a background process holds it?)");
        } catch (ExecutionException e) {
            throw fail("output could not be read: " + e.getCause().getClass().getSimpleName());
        }
        if (overflow.get()) {
            throw fail("printed more than " + MAX_OUTPUT_BYTES + " bytes and was killed");
        }
        String summary = "exit code " + process.exitValue() + ", stdout " + output.length + " bytes, stderr "
                + byteCount(stderr, deadline) + " bytes";
        if (process.exitValue() != 0) {
            throw fail("failed: " + summary);
        }
        LOG.debug("token command {} succeeded in {} ms: {}", settings.program(),
                (clock.nanoTime() - started) / 1_000_000L, summary);
        try {
            return CommandTokenOutput.parse(output, clock.wallMillis(), settings.defaultLifetime());
        } catch (IllegalArgumentException e) {
            throw fail(e.getMessage() + " (" + summary + ")");
        }
    }

    /** The bytes stderr carried, once it closes (within the deadline), or "?". */
    private String byteCount(CompletableFuture<Long> stderr, long deadline) {
        try {
            return String.valueOf(stderr.get(Math.max(0, deadline - clock.nanoTime()), TimeUnit.NANOSECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        } catch (ExecutionException | TimeoutException e) {
            return "?";
        }
    }

    private static byte[] readBounded(Process process, AtomicBoolean overflow) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        try (InputStream in = process.getInputStream()) {
            for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
                if (out.size() + n > MAX_OUTPUT_BYTES) {
                    overflow.set(true);
                    killTree(process);
                    return new byte[0];
                }
                out.write(chunk, 0, n);
            }
        } catch (IOException e) {
            throw new CompletionException(e);
        }
        return out.toByteArray();
    }

    private static long drain(InputStream in) {
        long total = 0;
        byte[] chunk = new byte[8192];
        try (in) {
            for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
                total += n;
            }
        } catch (IOException e) {
            // The process is gone; the count so far is all there is.
        }
        return total;
    }

    /** Descendants first, while they are still known as the process's: a shell script's child would survive it. */
    private static void killTree(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private CredentialRequestFailedException fail(String what) {
        return new CredentialRequestFailedException("token command " + settings.program() + " " + what);
    }

    @Override
    public String toString() {
        return "CommandCredentials[" + settings + "]";
    }
}
