package dev.rlproxy.core.config;

/**
 * One problem in a configuration file, at a 1-based line and column. Problems with the file as a
 * whole (missing, empty) are reported at 1:1. A problem with a value given outside the file (an
 * {@link ConfigOverride}) has line and column 0 and names its origin instead of the file.
 */
public record ConfigError(String file, int line, int column, String message) {

    /** A problem with a value given outside the file, by {@code origin} ({@code --set}, {@code RLPROXY_LISTEN}). */
    static ConfigError outsideFile(String origin, String message) {
        return new ConfigError(origin, 0, 0, message);
    }

    @Override
    public String toString() {
        return line == 0 ? file + ": " + message : file + ":" + line + ":" + column + ": " + message;
    }
}
