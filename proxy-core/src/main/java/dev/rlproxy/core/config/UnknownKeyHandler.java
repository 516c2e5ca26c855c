package dev.rlproxy.core.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;

import java.io.IOException;
import java.util.List;
import java.util.TreeSet;

/**
 * Records each unknown key as an error (with a "did you mean") and skips its value, so one load
 * reports every unknown key instead of stopping at the first.
 */
final class UnknownKeyHandler extends DeserializationProblemHandler {

    /** The attribute holding the {@code List<ConfigError>} unknown keys are added to. */
    static final String ERRORS_ATTRIBUTE = "rlproxy.config.unknownKeys";
    /** The attribute holding the {@link SourceMap} of the file being read. */
    static final String SOURCE_ATTRIBUTE = "rlproxy.config.source";

    @Override
    @SuppressWarnings("unchecked")
    public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deserializer,
                                         Object beanOrClass, String propertyName) throws IOException {
        TreeSet<String> known = new TreeSet<>();
        deserializer.getKnownPropertyNames().forEach(name -> known.add(name.toString()));
        if (deserializer.handledType() == UpstreamConfig.class) {
            known.remove("name"); // an upstream's name is its map key, never a key of its own
        }
        List<String> path = KeyPath.of(p.getParsingContext());
        SourceMap source = (SourceMap) ctxt.getAttribute(SOURCE_ATTRIBUTE);
        String suggestion = Suggestions.didYouMean(propertyName, known);
        String hint = suggestion.isEmpty() ? "; expected one of: " + String.join(", ", known) : suggestion;
        ((List<ConfigError>) ctxt.getAttribute(ERRORS_ATTRIBUTE)).add(
                source.keyError(path, "unknown key" + hint));
        p.skipChildren();
        return true;
    }
}
