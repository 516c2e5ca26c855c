package dev.rlproxy.core.config;

/**
 * One problem in a configuration file, at a 1-based line and column. Problems with the file as a
 * whole (missing, empty) are reported at 1:1.
 */
public record ConfigError(String file, int line, int column, String message) {

    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + message;
    }
}
