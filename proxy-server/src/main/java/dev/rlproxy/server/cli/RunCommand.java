package dev.rlproxy.server.cli;

import dev.rlproxy.core.config.ConfigException;
import dev.rlproxy.core.config.ConfigLoader;
import dev.rlproxy.core.config.ProxyConfig;
import dev.rlproxy.server.ConfigWatcher;
import dev.rlproxy.server.ProxyApplication;
import dev.rlproxy.server.UnsupportedConfigurationException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "run", mixinStandardHelpOptions = true, description = "Run the proxy.")
final class RunCommand implements Callable<Integer> {

    /** How often the configuration file is checked for changes (hot reload of token sets). */
    static final Duration RELOAD_POLL = Duration.ofSeconds(2);

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "the YAML configuration")
    Path config;

    @Override
    public Integer call() throws Exception {
        ProxyConfig parsed;
        try {
            parsed = ConfigLoader.load(config);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return ExitCodes.BAD_CONFIG;
        }
        ProxyApplication app;
        try {
            app = ProxyApplication.start(parsed);
        } catch (UnsupportedConfigurationException e) {
            System.err.println(config + ": " + e.getMessage());
            return ExitCodes.BAD_CONFIG;
        }
        ConfigWatcher watcher = ConfigWatcher.watch(config, System.getenv(), RELOAD_POLL, app::reload);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            watcher.close();
            app.close();
            stopped.countDown();
        }, "rlproxy-shutdown"));
        stopped.await();
        return ExitCodes.OK;
    }
}
