package dev.rlproxy.server.cli;

import dev.rlproxy.core.config.Durations;
import dev.rlproxy.server.simulator.SimulatedDialect;
import dev.rlproxy.server.simulator.SimulatorSpec;
import dev.rlproxy.server.simulator.UpstreamSimulator;
import dev.rlproxy.server.simulator.WindowMode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.BindException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code proxy.jar simulate}: the rate-limit-enforcing {@link UpstreamSimulator} in the foreground on
 * {@code 127.0.0.1}, for trying the proxy (or a client) against a realistic upstream by hand.
 *
 * <p>Tokens given with {@code --tokens} are secrets: only their number is ever printed.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {
                "Run a simulated rate-limited upstream API (on 127.0.0.1 unless --host says otherwise) until Ctrl-C.",
                "Every path answers 200 JSON while under the limit, and the dialect's refusal (403/429) "
                        + "when over it. Prints requests/accepted/violations every few seconds and at exit."},
        footer = {"", "Example: proxy.jar simulate --port 8089 --dialect github --limit 30 --window 10s --tokens t1,t2"})
final class SimulateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
            description = "address to listen on; 0.0.0.0 for every interface, e.g. in a container"
                    + " (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--port", defaultValue = "8089", paramLabel = "PORT",
            description = "port to listen on (0 = a free one; default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--dialect", defaultValue = "github", paramLabel = "DIALECT",
            converter = DialectConverter.class,
            description = "github | discord | openai | ietf | none (default: ${DEFAULT-VALUE})")
    SimulatedDialect dialect;

    @Option(names = "--limit", defaultValue = "30", paramLabel = "N",
            description = "requests per window per token (Discord: per route bucket; default: ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--window", defaultValue = "10s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "window length, e.g. 1s, 10s, 1m (default: ${DEFAULT-VALUE})")
    Duration window;

    @Option(names = "--window-mode", defaultValue = "fixed", paramLabel = "MODE", converter = WindowModeConverter.class,
            description = "fixed (like real APIs) | sliding (strict) (default: ${DEFAULT-VALUE})")
    WindowMode windowMode;

    @Option(names = "--tokens", split = ",", paramLabel = "TOKEN",
            description = "accept only these tokens (comma-separated); others and none get 401. "
                    + "Default: any token, and none, is accepted")
    List<String> tokens;

    @Option(names = "--latency", defaultValue = "0ms", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "fixed delay before every answer (default: ${DEFAULT-VALUE})")
    Duration latency;

    @Option(names = "--report-every", defaultValue = "5s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "how often to print the counters while they change (default: ${DEFAULT-VALUE})")
    Duration reportEvery;

    /** The validated simulator settings; throws a {@link ParameterException} naming the bad option. */
    SimulatorSpec simulatorSpec() {
        if (port < 0 || port > 65_535) {
            throw bad("--port must be between 0 and 65535, got " + port);
        }
        if (limit <= 0) {
            throw bad("--limit must be a positive number of requests, got " + limit);
        }
        if (window.isZero()) {
            throw bad("--window must be longer than 0, e.g. 10s");
        }
        if (reportEvery.toMillis() < 100) {
            throw bad("--report-every must be at least 100ms");
        }
        Set<String> valid = new LinkedHashSet<>();
        for (String token : tokens == null ? List.<String>of() : tokens) {
            if (token.isBlank()) {
                throw bad("--tokens has an empty entry; give a comma-separated list like a,b");
            }
            valid.add(token.strip());
        }
        SimulatorSpec base = switch (dialect) {
            case GITHUB -> SimulatorSpec.github(limit, window);
            case DISCORD -> SimulatorSpec.discord(limit, window);
            case OPENAI -> SimulatorSpec.openai(limit, window);
            case IETF -> SimulatorSpec.ietf(limit, window);
            case NONE -> SimulatorSpec.none(limit, window);
        };
        try {
            return base.withValidTokens(valid).withWindowMode(windowMode).withLatency(latency);
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage()); // the spec's messages never contain a token
        }
    }

    @Override
    public Integer call() throws Exception {
        SimulatorSpec simulatorSpec = simulatorSpec();
        PrintWriter out = spec.commandLine().getOut();
        CountDownLatch closed = new CountDownLatch(1);
        UpstreamSimulator simulator;
        try {
            simulator = UpstreamSimulator.start(simulatorSpec, host, port);
        } catch (RuntimeException e) {
            if (isBindFailure(e)) {
                spec.commandLine().getErr().printf("Cannot listen on %s:%d: %s (is something else using it? "
                        + "Try another --port, or --port 0 for a free one.)%n", host, port, e.getMessage());
                return ExitCodes.FAILURE;
            }
            throw e;
        }
        try {
            out.printf("Simulated %s upstream on http://%s:%d  (limit %d per %s per token, %s windows, %s, latency %s)%n",
                    dialect.name().toLowerCase(Locale.ROOT), host, simulator.port(), limit, format(window),
                    windowMode.name().toLowerCase(Locale.ROOT), describeTokens(simulatorSpec), format(latency));
            out.println("Press Ctrl-C to stop.");
            out.flush();
            runUntilShutdown(simulator, out, closed);
            return ExitCodes.OK;
        } finally {
            simulator.close();
            closed.countDown();
        }
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    /** Prints the counters while they change; at Ctrl-C prints them once more and returns. */
    private void runUntilShutdown(UpstreamSimulator simulator, PrintWriter out, CountDownLatch closed)
            throws InterruptedException {
        long start = System.nanoTime();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "simulate-report");
            t.setDaemon(true);
            return t;
        });
        long[] lastSeen = {0};
        ticker.scheduleAtFixedRate(() -> {
            long seen = simulator.requestsSeen();
            if (seen != lastSeen[0]) {
                lastSeen[0] = seen;
                out.println(counters(simulator, start));
                out.flush();
            }
        }, reportEvery.toMillis(), reportEvery.toMillis(), TimeUnit.MILLISECONDS);
        CountDownLatch stopping = new CountDownLatch(1);
        // The hook only wakes this thread and then waits (bounded) until everything is closed.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.countDown();
            try {
                closed.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "simulate-shutdown"));
        stopping.await();
        ticker.shutdownNow();
        out.println();
        out.println("Stopped after " + counters(simulator, start).strip());
        out.flush();
    }

    static String counters(UpstreamSimulator simulator, long startNanos) {
        return String.format("%7.1fs  requests %d  accepted %d  violations %d",
                (System.nanoTime() - startNanos) / 1e9, simulator.requestsSeen(), simulator.accepted(),
                simulator.violations());
    }

    /** {@code 10s}, {@code 1500ms}, {@code 2m}: the shortest exact form in the config syntax. */
    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 && ms > 0 ? ms / 1000 + "s" : ms + "ms";
    }

    private static String describeTokens(SimulatorSpec spec) {
        int n = spec.validTokens().size();
        return n == 0 ? "any token accepted" : n + " valid token" + (n == 1 ? "" : "s");
    }

    private ParameterException bad(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Durations.parse(value);
            } catch (RuntimeException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    static final class DialectConverter implements CommandLine.ITypeConverter<SimulatedDialect> {
        @Override
        public SimulatedDialect convert(String value) {
            try {
                return SimulatedDialect.valueOf(value.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not a dialect; expected github, discord, openai, ietf or none");
            }
        }
    }

    static final class WindowModeConverter implements CommandLine.ITypeConverter<WindowMode> {
        @Override
        public WindowMode convert(String value) {
            try {
                return WindowMode.valueOf(value.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not a window mode; expected fixed or sliding");
            }
        }
    }
}
