package dev.rlproxy.core.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** A route's {@code upstream}: one name ({@code github}) or a list in order of preference ({@code [a, b]}). */
final class UpstreamNamesDeserializer extends JsonDeserializer<List<String>> {

    private static final String EXPECTED = "expected an upstream name, or a list of names like [primary, fallback]";

    @Override
    public List<String> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_STRING) {
            return List.of(p.getText().strip());
        }
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw InvalidConfigException.of(EXPECTED);
        }
        List<String> names = new ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t != JsonToken.VALUE_STRING) {
                throw InvalidConfigException.of(EXPECTED);
            }
            names.add(p.getText().strip());
        }
        return names;
    }
}
