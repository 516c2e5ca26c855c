package dev.rlproxy.core.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Records each unknown key as an error (with a "did you mean") and skips its value, so one load
 * reports every unknown key instead of stopping at the first.
 */
final class UnknownKeyHandler extends DeserializationProblemHandler {

    /** The attribute holding the {@code List<ConfigError>} unknown keys are added to. */
    static final String ERRORS_ATTRIBUTE = "rlproxy.config.unknownKeys";
    /** The attribute holding the {@link ConfigYamlParser} reading the file. */
    static final String PARSER_ATTRIBUTE = "rlproxy.config.parser";

    @Override
    @SuppressWarnings("unchecked")
    public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deserializer,
                                         Object beanOrClass, String propertyName) throws IOException {
        TreeSet<String> known = new TreeSet<>();
        deserializer.getKnownPropertyNames().forEach(name -> known.add(name.toString()));
        if (deserializer.handledType() == UpstreamConfig.class) {
            known.remove("name"); // an upstream's name is its map key, never a key of its own
        }
        ConfigYamlParser source = (ConfigYamlParser) ctxt.getAttribute(PARSER_ATTRIBUTE);
        List<String> path = unknownKeyPath(p, source, propertyName);
        String suggestion = Suggestions.didYouMean(propertyName, known);
        String hint = suggestion.isEmpty() ? "; expected one of: " + String.join(", ", known) : suggestion;
        ((List<ConfigError>) ctxt.getAttribute(ERRORS_ATTRIBUTE)).add(
                source.sourceMap().keyError(path, "unknown key" + hint));
        p.skipChildren();
        return true;
    }

    /**
     * Jackson reports an unknown key either while reading the file (then {@code p} is our parser,
     * at the key's value) or, for records, from a buffer once the record is built (then our parser
     * is past the record's last constructor key: at the next key, or at the record's end).
     */
    private static List<String> unknownKeyPath(JsonParser p, ConfigYamlParser source, String key) {
        if (p == source) {
            return KeyPath.of(p.getParsingContext());
        }
        JsonStreamContext context = source.getParsingContext();
        List<String> record = KeyPath.of(source.currentToken() == JsonToken.END_OBJECT ? context : context.getParent());
        List<String> path = new ArrayList<>(record);
        path.add(key);
        return path;
    }
}
