package dev.rlproxy.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar proxy.jar run|validate|demo|simulate}. Exit codes: 0 fine, 2 bad configuration, 3 cannot listen, 1 anything else. */
@Command(name = "proxy.jar",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "A reverse proxy that enforces upstream API rate limits.",
        subcommands = {RunCommand.class, ValidateCommand.class, DemoCommand.class, SimulateCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Netty reads it once, when its first buffer class loads: set before anything else runs. */
    private static final String LEAK_DETECTION = "io.netty.leakDetection.level";

    public static void main(String[] args) {
        // Sampled leak tracking fills a stack trace for one buffer in 128: about 2% of the CPU under
        // load. The tests run with it at "paranoid"; -Dio.netty.leakDetection.level=simple turns it on.
        if (System.getProperty(LEAK_DETECTION) == null) {
            System.setProperty(LEAK_DETECTION, "disabled");
        }
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        return new CommandLine(new Main()).execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: run, validate, demo or simulate");
    }
}
