package dev.rlproxy.core.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * Reports every key the file has that its record does not take, at the key, with a "did you mean"
 * where a known key is close.
 *
 * <p>This runs over the YAML before binding rather than inside it because Jackson reports a
 * record's unknown keys only once the record is built: when a typo also leaves the record invalid
 * ({@code pathPrefx} leaves a match with neither pathPrefix nor host), the constructor's error
 * would hide the typo that caused it.
 */
final class UnknownKeyCheck {

    private final JsonParser parser;
    private final SourceMap sourceMap;
    private final List<ConfigError> unknownKeys;

    private UnknownKeyCheck(JsonParser parser, SourceMap sourceMap, List<ConfigError> unknownKeys) {
        this.parser = parser;
        this.sourceMap = sourceMap;
        this.unknownKeys = unknownKeys;
    }

    /**
     * Reads the value at the parser's current token and everything under it, adding an error to
     * {@code unknownKeys} for each unknown key, located through {@code sourceMap} (at the key in the
     * file, or naming the override that added it); the parser is left at the value's last token.
     */
    static void check(JsonParser parser, SourceMap sourceMap, ConfigShape shape, List<ConfigError> unknownKeys)
            throws IOException {
        new UnknownKeyCheck(parser, sourceMap, unknownKeys).value(shape);
    }

    private void value(ConfigShape shape) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.START_OBJECT && shape instanceof ConfigShape.Mapping mapping) {
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                ConfigShape known = mapping.keys().get(key);
                if (known == null && !mapping.refusedByBinding().contains(key)) {
                    report(key, mapping.keys().keySet());
                }
                parser.nextToken();
                if (known == null) {
                    parser.skipChildren();
                } else {
                    value(known);
                }
            }
        } else if (token == JsonToken.START_OBJECT && shape instanceof ConfigShape.MapOf map) {
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                parser.nextToken();
                value(map.values());
            }
        } else if (token == JsonToken.START_ARRAY && shape instanceof ConfigShape.ListOf list) {
            // Stops at null too: a truncated list must not spin (the YAML parser normally throws first).
            for (JsonToken next = parser.nextToken(); next != null && next != JsonToken.END_ARRAY;
                 next = parser.nextToken()) {
                value(list.elements());
            }
        } else {
            // A scalar, or a value of the wrong kind, which binding reports with what was expected.
            parser.skipChildren();
        }
    }

    /** An error at {@code key}, the parser's current token. */
    private void report(String key, Set<String> knownKeys) {
        String suggestion = Suggestions.didYouMean(key, knownKeys);
        String hint = suggestion.isEmpty() ? "; expected one of: " + String.join(", ", knownKeys) : suggestion;
        unknownKeys.add(sourceMap.keyError(KeyPath.of(parser.getParsingContext()), "unknown key" + hint));
    }
}
