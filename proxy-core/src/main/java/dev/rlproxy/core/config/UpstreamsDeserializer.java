package dev.rlproxy.core.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads {@code upstreams:} in file order, handing each map key to its {@link UpstreamConfig} as
 * its name (through an injected value, since the name is not a YAML key of the upstream).
 */
final class UpstreamsDeserializer extends StdDeserializer<Map<String, UpstreamConfig>> {

    UpstreamsDeserializer() {
        super(Map.class);
    }

    @Override
    public Map<String, UpstreamConfig> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw InvalidConfigException.of("expected a mapping of upstream names to their settings");
        }
        Map<String, UpstreamConfig> upstreams = new LinkedHashMap<>();
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            JsonToken value = p.nextToken();
            try {
                if (value != JsonToken.START_OBJECT) {
                    throw InvalidConfigException.of("expected the upstream's settings, at least url");
                }
                ctxt.setAttribute(UpstreamConfig.NAME_ATTRIBUTE, name);
                upstreams.put(name, ctxt.readValue(p, UpstreamConfig.class));
            } catch (IOException | RuntimeException e) {
                throw JsonMappingException.wrapWithPath(e, upstreams, name);
            }
        }
        return upstreams;
    }
}
