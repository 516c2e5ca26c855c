package dev.rlproxy.core.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How quota usage is metered.
 *
 * @param flushInterval how often the counts of this replica are added to the store (default 30s);
 *                      also on graceful shutdown
 * @param stateFile     with {@code store.type: memory}, where the totals are kept across restarts;
 *                      relative to the config file's folder; default {@code <config file>.usage}
 *                      beside the config file (none for a configuration not read from a file)
 */
public record UsageConfig(Duration flushInterval,
                          @JsonDeserialize(using = StateFileDeserializer.class) Path stateFile) {

    public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(30);

    public UsageConfig {
        flushInterval = flushInterval == null ? DEFAULT_FLUSH_INTERVAL : flushInterval;
        Violations v = new Violations();
        v.check(flushInterval.compareTo(Duration.ofMillis(100)) >= 0 && flushInterval.compareTo(Duration.ofHours(1)) <= 0,
                "flushInterval", "must be between 100ms and 1h");
        v.throwIfAny();
    }

    public static UsageConfig defaults() {
        return new UsageConfig(null, null);
    }

    /** This configuration, its state file defaulting to {@code <config file>.usage} beside {@code configFile}. */
    UsageConfig withDefaultStateFileBeside(Path configFile) {
        return stateFile != null ? this
                : new UsageConfig(flushInterval, configFile.resolveSibling(configFile.getFileName() + ".usage"));
    }
}
