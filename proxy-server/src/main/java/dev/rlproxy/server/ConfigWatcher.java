package dev.rlproxy.server;

import dev.rlproxy.core.config.ConfigException;
import dev.rlproxy.core.config.ProxyConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Hot reload: polls the configuration file and hands each new valid version to the application
 * once it has stayed unchanged for one poll interval.
 * An invalid edit is logged with its {@code FILE:LINE:COLUMN} errors and changes nothing: the
 * running configuration stays in force until a good file appears.
 */
public final class ConfigWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConfigWatcher.class);

    private final Path file;
    private final Supplier<ProxyConfig> load;
    private final Function<ProxyConfig, List<String>> apply;
    private final ScheduledExecutorService poller;
    private byte[] lastDigest;
    /** A changed content seen once, applied if the next look sees it again. */
    private byte[] unsettledDigest;

    private ConfigWatcher(Path file, Supplier<ProxyConfig> load, Function<ProxyConfig, List<String>> apply) {
        this.file = file;
        this.load = load;
        this.apply = apply;
        this.lastDigest = digest();
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rlproxy-config-watcher");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts polling {@code file} every {@code interval}.
     *
     * @param load  loads the configuration: {@code file} with the same variables and overrides the
     *              proxy started with, so a reload keeps them
     * @param apply applies a valid configuration and returns the changed keys it could not apply
     *              (each waiting for a restart)
     */
    public static ConfigWatcher watch(Path file, Supplier<ProxyConfig> load, Duration interval,
                                      Function<ProxyConfig, List<String>> apply) {
        ConfigWatcher watcher = new ConfigWatcher(file, load, apply);
        watcher.poller.scheduleWithFixedDelay(watcher::checkNow, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
        return watcher;
    }

    /**
     * What an explicit reload ({@code POST /reload}, SIGHUP) did.
     *
     * @param notApplied changed keys that take effect only after a restart (empty when refused)
     */
    public record Outcome(boolean applied, String message, List<String> notApplied) {

        public Outcome {
            notApplied = List.copyOf(notApplied);
        }
    }

    /**
     * Reloads now, whether or not the file changed ({@code POST /reload}, SIGHUP). An invalid file
     * is refused with its {@code FILE:LINE:COLUMN} errors and the running configuration stays.
     */
    public synchronized Outcome reloadNow() {
        lastDigest = digest();
        try {
            List<String> notApplied = apply.apply(load.get());
            log.info("reloaded configuration from {} on request", file);
            return new Outcome(true, "reloaded " + file + (notApplied.isEmpty() ? ""
                    : "; not applied until a restart: " + String.join(", ", notApplied)), notApplied);
        } catch (ConfigException e) {
            log.error("configuration reload rejected, keeping the running configuration:\n{}", e.getMessage());
            return new Outcome(false, e.getMessage(), List.of());
        } catch (RuntimeException e) {
            log.error("configuration reload could not be applied, keeping the running configuration", e);
            return new Outcome(false, "could not apply the configuration: " + e.getClass().getSimpleName(), List.of());
        }
    }

    /**
     * Reloads if the file's content changed and then stayed the same for one more look: a file being
     * written in place can be read half-written, and a half-written file may still be valid YAML
     * (the routes list cut short, say), so a change is applied only once it has settled.
     */
    synchronized void checkNow() {
        byte[] now = digest();
        if (now == null || Arrays.equals(now, lastDigest)) {
            unsettledDigest = null;
            return;
        }
        if (!Arrays.equals(now, unsettledDigest)) {
            unsettledDigest = now; // changed since the last look: maybe still being written
            return;
        }
        unsettledDigest = null;
        lastDigest = now;
        try {
            ProxyConfig changed = load.get();
            apply.apply(changed); // the application logs what waits for a restart
            log.info("reloaded configuration from {}", file);
        } catch (ConfigException e) {
            log.error("configuration change rejected, keeping the running configuration:\n{}", e.getMessage());
        } catch (RuntimeException e) {
            log.error("configuration change could not be applied, keeping the running configuration", e);
        }
    }

    private byte[] digest() {
        try {
            return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
        } catch (IOException e) {
            log.warn("cannot read configuration file {} ({}); keeping the running configuration", file, e.getMessage());
            return null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
