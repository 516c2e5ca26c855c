package dev.rlproxy.core.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown by the configuration records' constructors (and value parsers) when a value is invalid.
 * The loader turns each {@link Violation} into a {@code FILE:LINE:COLUMN: message} error by
 * resolving its key against where the record's values sat in the YAML file.
 */
public class InvalidConfigException extends IllegalArgumentException {

    private final List<Violation> violations;

    public InvalidConfigException(List<Violation> violations) {
        super(violations.stream().map(Violation::toString).collect(Collectors.joining("; ")));
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("at least one violation is required");
        }
        this.violations = List.copyOf(violations);
    }

    /** A single violation of the value itself (no key). */
    public static InvalidConfigException of(String message) {
        return at("", message);
    }

    public static InvalidConfigException at(String key, String message) {
        return new InvalidConfigException(List.of(new Violation(key, message)));
    }

    public List<Violation> violations() {
        return violations;
    }
}
