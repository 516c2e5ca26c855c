package dev.rlproxy.core.config;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A token printed by a command, run without a shell: {@code run[0]} is the program (an absolute
 * path, or a name looked up in {@code PATH} when it runs), the rest its arguments.
 * {@link #toString()} names the program only: arguments may carry secrets.
 *
 * @param run           the program and its arguments
 * @param refreshBefore run it again this long before the token expires (default 60s)
 * @param timeout       one run may take this long, then it is killed (default 10s)
 * @param lifetime      how long a token is used when the output states no expiry (default 15m)
 */
public record CommandConfig(List<String> run, Duration refreshBefore, Duration timeout, Duration lifetime) {

    public static final Duration DEFAULT_REFRESH_BEFORE = Duration.ofSeconds(60);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(15);
    private static final Duration MAX_TIMEOUT = Duration.ofMinutes(5);

    public CommandConfig {
        run = run == null ? List.of() : run;
        refreshBefore = refreshBefore == null ? DEFAULT_REFRESH_BEFORE : refreshBefore;
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        lifetime = lifetime == null ? DEFAULT_LIFETIME : lifetime;
        Violations v = new Violations();
        if (v.check(!run.isEmpty(), "run", "required: the program and its arguments, like [\"/usr/local/bin/get-token\"]")) {
            for (int i = 0; i < run.size(); i++) {
                v.check(run.get(i) != null && run.get(i).indexOf('\0') < 0, "run[" + i + "]", "must be a text value");
            }
            String program = run.get(0);
            if (v.check(program != null && !program.isBlank(), "run[0]", "the program must not be empty")) {
                String problem = programProblem(program.strip());
                v.check(problem == null, "run[0]", problem);
            }
        }
        v.check(!refreshBefore.isNegative(), "refreshBefore", "must not be negative");
        v.check(Durations.isPositive(timeout) && timeout.compareTo(MAX_TIMEOUT) <= 0, "timeout",
                "must be between 1ms and 5m");
        v.check(Durations.isPositive(lifetime), "lifetime", "must be positive");
        v.throwIfAny();
        run = List.copyOf(run);
    }

    /** An absolute program must exist now; a bare name is found in PATH when it runs. */
    private static String programProblem(String program) {
        try {
            Path path = Path.of(program);
            if (!path.isAbsolute()) {
                return null;
            }
            if (!Files.isRegularFile(path)) {
                return "program not found: " + program;
            }
            return Files.isExecutable(path) ? null : "program is not executable: " + program;
        } catch (InvalidPathException e) {
            return "not a valid program path";
        }
    }

    @Override
    public String toString() {
        return "CommandConfig[run=" + (run.isEmpty() ? "[]" : run.get(0) + " +" + (run.size() - 1) + " argument(s) ***")
                + ", refreshBefore=" + refreshBefore + ", timeout=" + timeout + ", lifetime=" + lifetime + "]";
    }
}
