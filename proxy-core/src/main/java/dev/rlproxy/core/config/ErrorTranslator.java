package dev.rlproxy.core.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.IgnoredPropertyException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Turns what Jackson and the YAML parser throw into {@link ConfigError}s at the offending value.
 * Jackson's own messages are not passed on: they name Java types and may quote input, so each
 * error says in YAML terms what was expected.
 */
final class ErrorTranslator {

    private ErrorTranslator() {
    }

    static List<ConfigError> translate(JsonProcessingException e, SourceMap source) {
        if (!(e instanceof JsonMappingException mapping)) {
            return List.of(syntaxError(e, source));
        }
        List<String> path = KeyPath.of(mapping);
        InvalidConfigException invalid = cause(e, InvalidConfigException.class);
        if (invalid != null) {
            return violations(path, invalid, source);
        }
        if (e instanceof IgnoredPropertyException) {
            return List.of(source.keyError(path, "unknown key: an upstream's name is its key under upstreams"));
        }
        if (cause(e, MarkedYAMLException.class) != null) {
            return List.of(syntaxError(e, source));
        }
        return List.of(source.errorAt(path, expectation(mapping)));
    }

    static List<ConfigError> violations(List<String> path, InvalidConfigException invalid, SourceMap source) {
        return invalid.violations().stream()
                .map(v -> source.errorAt(KeyPath.append(path, v.key()), v.message()))
                .toList();
    }

    /**
     * A YAML syntax error at snakeyaml's problem mark (the source line itself is never quoted), or
     * a parse error of our own, such as a duplicate key, at its location.
     */
    static ConfigError syntaxError(JsonProcessingException e, SourceMap source) {
        MarkedYAMLException yaml = cause(e, MarkedYAMLException.class);
        if (yaml != null && yaml.getProblemMark() != null) {
            Mark mark = yaml.getProblemMark();
            String context = yaml.getContext() == null ? "" : " (" + yaml.getContext() + ")";
            return new ConfigError(source.sourceName(), mark.getLine() + 1, mark.getColumn() + 1,
                    "YAML syntax error: " + yaml.getProblem() + context);
        }
        return source.errorAt(e.getLocation(), e.getOriginalMessage());
    }

    private static String expectation(JsonMappingException e) {
        if (cause(e, InputCoercionException.class) != null) {
            return "number out of range";
        }
        Class<?> target = e instanceof MismatchedInputException mismatch ? mismatch.getTargetType() : null;
        if (target == null) {
            return "invalid value";
        }
        if (target == int.class || target == Integer.class || target == long.class || target == Long.class) {
            return "expected a whole number";
        }
        if (target == String.class) {
            return "expected a text value";
        }
        if (Collection.class.isAssignableFrom(target)) {
            return "expected a list";
        }
        if (Map.class.isAssignableFrom(target) || target.isRecord()) {
            return "expected a mapping of keys to values";
        }
        return "invalid value";
    }

    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
