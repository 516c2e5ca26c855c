package dev.rlproxy.core.config;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A configuration file could not be loaded. {@link #getMessage()} has one
 * {@code FILE:LINE:COLUMN: message} line per error, in file order.
 */
public class ConfigException extends RuntimeException {

    private static final Comparator<ConfigError> FILE_ORDER =
            Comparator.comparingInt(ConfigError::line).thenComparingInt(ConfigError::column);

    private final List<ConfigError> errors;

    public ConfigException(List<ConfigError> errors) {
        super(render(errors));
        this.errors = sorted(errors);
    }

    private static String render(List<ConfigError> errors) {
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("at least one error is required");
        }
        return sorted(errors).stream().map(ConfigError::toString).collect(Collectors.joining("\n"));
    }

    private static List<ConfigError> sorted(List<ConfigError> errors) {
        return errors.stream().distinct().sorted(FILE_ORDER).toList();
    }

    /** The errors in file order. */
    public List<ConfigError> errors() {
        return errors;
    }
}
