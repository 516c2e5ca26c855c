package dev.rlproxy.server.cli;

import dev.rlproxy.core.config.ConfigLoader;
import dev.rlproxy.core.config.ConfigOverrides;
import dev.rlproxy.core.config.ProxyConfig;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code --config FILE} and {@code --set key.path=value}, shared by {@code run} and {@code validate}. */
final class ConfigOptions {

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "the YAML configuration")
    Path file;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "set one configuration key, e.g. --set server.listen=0.0.0.0:8080 (repeatable;"
                    + " wins over the file and RLPROXY_* variables)")
    List<String> sets = new ArrayList<>();

    /**
     * The file's configuration with {@code env}'s {@code ${VAR}}s, its {@code RLPROXY_…} variables
     * and the {@code --set} values applied.
     *
     * @throws dev.rlproxy.core.config.ConfigException with every problem, overrides included
     */
    ProxyConfig load(Map<String, String> env) {
        return ConfigLoader.load(file, env, ConfigOverrides.of(sets, env, LogSetup.VARIABLES));
    }
}
