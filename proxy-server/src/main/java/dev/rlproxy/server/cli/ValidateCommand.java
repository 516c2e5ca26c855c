package dev.rlproxy.server.cli;

import dev.rlproxy.core.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check a configuration file, with its RLPROXY_* variables and --set values:"
                + " prints OK, or each error as FILE:LINE:COLUMN: message (or the override's name: message).")
final class ValidateCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions config;

    @Override
    public Integer call() {
        try {
            config.load(System.getenv());
            System.out.println("OK");
            return ExitCodes.OK;
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return ExitCodes.BAD_CONFIG;
        }
    }
}
