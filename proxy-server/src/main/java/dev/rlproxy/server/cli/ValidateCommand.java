package dev.rlproxy.server.cli;

import dev.rlproxy.core.config.ConfigException;
import dev.rlproxy.core.config.ConfigLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check a configuration file: prints OK, or each error as FILE:LINE:COLUMN: message.")
final class ValidateCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "the YAML configuration")
    Path config;

    @Override
    public Integer call() {
        try {
            ConfigLoader.load(config);
            System.out.println("OK");
            return ExitCodes.OK;
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return ExitCodes.BAD_CONFIG;
        }
    }
}
