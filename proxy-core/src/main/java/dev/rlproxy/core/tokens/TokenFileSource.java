package dev.rlproxy.core.tokens;

import dev.rlproxy.core.time.Scheduler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tokens read from a file, one per line; blank lines and lines starting with {@code #} are ignored.
 * The file's modification time is polled on the {@link Scheduler}; when it changes the file is read
 * again. A file that disappears, can't be read or holds no token keeps the last good set, with a
 * warning that names the file and the problem but never a token.
 *
 * <p>Polling does a {@code stat} (and, on change, a read of a small file) on the scheduler's thread;
 * that is cheap enough every few seconds.
 */
final class TokenFileSource implements TokenSource {

    private static final Logger LOG = LoggerFactory.getLogger(TokenFileSource.class);
    static final Consumer<String> LOGGED = LOG::warn;

    private final Path file;
    private final long pollNanos;
    private final Scheduler scheduler;
    private final Consumer<String> warnings;

    // Guarded by this.
    private Listener listener;
    private Scheduler.Cancellable timer;
    private boolean stopped;
    private FileTime lastModified;
    private Set<Secret> lastGood = Set.of();
    private String lastProblem;

    TokenFileSource(Path file, Duration pollInterval, Scheduler scheduler, Consumer<String> warnings) {
        if (file == null || scheduler == null || warnings == null) {
            throw new IllegalArgumentException("a token file source needs a file, a scheduler and a warning sink");
        }
        if (pollInterval == null || pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("the token file poll interval must be positive, was " + pollInterval);
        }
        this.file = file.toAbsolutePath().normalize();
        this.pollNanos = pollInterval.toNanos();
        this.scheduler = scheduler;
        this.warnings = warnings;
    }

    @Override
    public String key() {
        return "file:" + file;
    }

    @Override
    public synchronized void start(Listener listener) {
        this.listener = listener;
        poll();
    }

    @Override
    public synchronized void stop() {
        stopped = true;
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    private synchronized void poll() {
        if (stopped) {
            return;
        }
        checkForChange();
        timer = scheduler.schedule(this::poll, pollNanos);
    }

    private void checkForChange() {
        List<String> lines;
        FileTime modified;
        try {
            modified = Files.getLastModifiedTime(file);
            if (modified.equals(lastModified)) {
                return;
            }
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            problem("token file " + file + " is missing; keeping the last " + lastGood.size() + " token(s)");
            return;
        } catch (IOException | RuntimeException e) {
            problem("token file " + file + " cannot be read (" + e.getClass().getSimpleName()
                    + "); keeping the last " + lastGood.size() + " token(s)");
            return;
        }
        Set<Secret> tokens = parse(lines);
        if (tokens.isEmpty()) {
            problem("token file " + file + " holds no token; keeping the last " + lastGood.size() + " token(s)");
            return;
        }
        lastModified = modified;
        lastProblem = null;
        if (!tokens.equals(lastGood)) {
            lastGood = tokens;
            listener.credentialsChanged(tokens.stream().map(TokenCredential::fixed).toList());
        }
    }

    private Set<Secret> parse(List<String> lines) {
        Set<Secret> tokens = new LinkedHashSet<>();
        List<Integer> malformed = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.chars().anyMatch(Character::isWhitespace)) {
                malformed.add(i + 1);
            } else {
                tokens.add(Secret.of(line));
            }
        }
        if (!malformed.isEmpty()) {
            // Name the lines, never their content: a malformed line is still most likely a token.
            warnings.accept("token file " + file + ": line(s) " + malformed
                    + " contain whitespace inside the token and were skipped");
        }
        return tokens;
    }

    private void problem(String message) {
        if (!message.equals(lastProblem)) {
            lastProblem = message;
            warnings.accept(message);
        }
    }

    @Override
    public String toString() {
        return key();
    }
}
