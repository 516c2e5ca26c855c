package dev.rlproxy.core.config;

import com.fasterxml.jackson.core.JsonLocation;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each key and value of one file sits, so errors found after parsing (in a record's
 * constructor, or by Jackson deep in a value) can still point at a line and column.
 */
final class SourceMap {

    private final String sourceName;
    private final Map<String, JsonLocation> keys = new HashMap<>();
    private final Map<String, JsonLocation> values = new HashMap<>();
    /** Paths whose value was given outside the file, with where it came from. */
    private final Map<String, String> overridden = new HashMap<>();

    SourceMap(String sourceName) {
        this.sourceName = sourceName;
    }

    String sourceName() {
        return sourceName;
    }

    void recordKey(List<String> path, JsonLocation location) {
        keys.put(KeyPath.render(path), location);
    }

    /** The value at {@code path} (and everything under it) came from {@code origin}, not the file. */
    void recordOverride(List<String> path, String origin) {
        overridden.put(KeyPath.render(path), origin);
    }

    /**
     * A mapping or list under a key is located at its key (a block mapping's own start is the line
     * after its key, which reads oddly in errors); scalars and list items at themselves.
     */
    void recordValue(List<String> path, JsonLocation location, boolean container) {
        String key = KeyPath.render(path);
        if (!(container && keys.containsKey(key))) {
            values.put(key, location);
        }
    }

    /**
     * An error about {@code path}: at its value if the file has it, else at the nearest enclosing
     * key or value that the file has (a missing key is reported where it should have been).
     */
    ConfigError errorAt(List<String> path, String message) {
        String where = KeyPath.render(path);
        String full = where.isEmpty() ? message : where + ": " + message;
        JsonLocation location = null;
        for (int length = path.size(); location == null && length >= 0; length--) {
            String candidate = KeyPath.render(path.subList(0, length));
            if (overridden.containsKey(candidate)) {
                return ConfigError.outsideFile(overridden.get(candidate), full);
            }
            location = values.containsKey(candidate) ? values.get(candidate) : keys.get(candidate);
        }
        return errorAt(location, full);
    }

    /** An error about the key at {@code path} itself (e.g. an unknown key), at the key. */
    ConfigError keyError(List<String> path, String message) {
        String key = KeyPath.render(path);
        JsonLocation location = overridden.containsKey(key) ? null : keys.get(key);
        return location == null ? errorAt(path, message) : errorAt(location, key + ": " + message);
    }

    /** An error at a parser location; unknown locations become 1:1. */
    ConfigError errorAt(JsonLocation location, String message) {
        if (location == null || location.getLineNr() < 1) {
            return new ConfigError(sourceName, 1, 1, message);
        }
        return new ConfigError(sourceName, location.getLineNr(), Math.max(1, location.getColumnNr()), message);
    }
}
