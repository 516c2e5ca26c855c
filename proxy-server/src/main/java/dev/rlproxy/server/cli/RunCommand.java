package dev.rlproxy.server.cli;

import dev.rlproxy.core.config.ConfigException;
import dev.rlproxy.core.config.ProxyConfig;
import dev.rlproxy.server.ConfigWatcher;
import dev.rlproxy.server.ListenFailedException;
import dev.rlproxy.server.ProxyApplication;
import dev.rlproxy.server.UnsupportedConfigurationException;
import dev.rlproxy.server.admin.AdminServer;
import dev.rlproxy.server.tls.TlsFileException;
import dev.rlproxy.server.store.StoreBackend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

@Command(name = "run", mixinStandardHelpOptions = true, description = "Run the proxy.")
final class RunCommand implements Callable<Integer> {

    /** How often the configuration file is checked for changes (hot reload; see ConfigWatcher). */
    static final Duration RELOAD_POLL = Duration.ofSeconds(2);

    @Mixin
    ConfigOptions configOptions;

    @Option(names = "--log-format", paramLabel = "FORMAT",
            description = "text (default) or json: one JSON object per log line, access log included;"
                    + " default from RLPROXY_LOG_FORMAT")
    LogSetup.Format logFormat;

    @Option(names = "--log-level", paramLabel = "LEVEL",
            description = "error, warn, info (default), debug or trace; default from RLPROXY_LOG_LEVEL")
    LogSetup.LogLevel logLevel;

    @Override
    public Integer call() throws Exception {
        Map<String, String> env = System.getenv();
        try {
            LogSetup.apply(
                    logFormat != null ? logFormat
                            : LogSetup.fromEnvironment(env, LogSetup.FORMAT_VARIABLE, LogSetup.Format.class),
                    logLevel != null ? logLevel
                            : LogSetup.fromEnvironment(env, LogSetup.LEVEL_VARIABLE, LogSetup.LogLevel.class));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return ExitCodes.BAD_CONFIG;
        }
        Path config = configOptions.file;
        ProxyConfig parsed;
        try {
            parsed = configOptions.load(env);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return ExitCodes.BAD_CONFIG;
        }
        IdleHeapReturn.enable();
        NativeHeapTrim.start(); // a daemon thread: ends with the JVM
        ProxyApplication app;
        try {
            app = ProxyApplication.start(parsed);
        } catch (UnsupportedConfigurationException | TlsFileException e) {
            System.err.println(config + ": " + e.getMessage());
            return ExitCodes.BAD_CONFIG;
        } catch (ListenFailedException e) {
            System.err.println(e.getMessage());
            return ExitCodes.CANNOT_LISTEN;
        }
        ConfigWatcher watcher = ConfigWatcher.watch(config, () -> configOptions.load(env), RELOAD_POLL, app::reload);
        AdminServer admin;
        try {
            admin = AdminServer.start(parsed.admin(), app, watcher::reloadNow);
        } catch (ListenFailedException | TlsFileException e) {
            System.err.println(e instanceof TlsFileException ? config + ": " + e.getMessage() : e.getMessage());
            watcher.close();
            app.close();
            return e instanceof TlsFileException ? ExitCodes.BAD_CONFIG : ExitCodes.CANNOT_LISTEN;
        }
        Signals.onHangup(watcher::reloadNow);
        StartupLine.log(config, parsed, app, admin);
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        Runnable shutdown = () -> {
            if (stopping.compareAndSet(false, true)) {
                watcher.close();
                app.close(); // readiness turns false first; the admin listener answers until the drain ends
                admin.close();
                stopped.countDown();
            }
        };
        // Signals run the shutdown on their own thread; the hook covers any other way the JVM ends.
        Signals.onTerminate(() -> new Thread(shutdown, "rlproxy-shutdown").start());
        Runtime.getRuntime().addShutdownHook(new Thread(shutdown, "rlproxy-shutdown-hook"));
        stopped.await();
        return ExitCodes.OK;
    }

    /** One line with what an operator needs to know the proxy started as intended. */
    private static final class StartupLine {
        private static final Logger log = LoggerFactory.getLogger("rlproxy");

        static void log(Path file, ProxyConfig config, ProxyApplication app, AdminServer admin) {
            StringBuilder tokens = new StringBuilder();
            app.upstreams().forEach((name, upstream) -> tokens.append(tokens.isEmpty() ? "" : ", ").append(name)
                    .append('=').append(upstream.tokens() == null ? "client credentials"
                            : upstream.tokens().status().size() + " tokens"));
            String version = RunCommand.class.getPackage().getImplementationVersion();
            StoreBackend.Status store = app.store().status();
            log.info("rlproxy {} started: config {}, proxy on {}:{}, admin on {}, store {}, {} routes {}, upstreams [{}]",
                    version == null ? "development build" : version, file.toAbsolutePath(),
                    config.server().listen().host(), app.port(), admin.address(),
                    store.uri() == null ? store.type() : store.uri() + " (onFailure " + store.onFailure() + ")",
                    config.routes().size(),
                    config.routes().stream().map(r -> (r.match().pathPrefix() != null ? r.match().pathPrefix()
                            : r.match().host()) + "->" + r.upstream()).toList(), tokens);
        }
    }
}
