package dev.rlproxy.core.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;

import java.io.IOException;
import java.util.function.Function;

/**
 * Reads a value type (duration, size, host:port, enum...) from a YAML scalar with its own parser.
 * The parser's {@link InvalidConfigException} carries the message users see.
 */
final class ScalarDeserializer<T> extends StdScalarDeserializer<T> {

    private final transient Function<String, T> parser;
    private final String expected;

    ScalarDeserializer(Class<T> type, String expected, Function<String, T> parser) {
        super(type);
        this.parser = parser;
        this.expected = expected;
    }

    static <E extends Enum<E>> ScalarDeserializer<E> forEnum(Class<E> type) {
        return new ScalarDeserializer<>(type, "expected " + YamlEnums.choices(type), s -> YamlEnums.parse(type, s));
    }

    @Override
    public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        JsonToken token = p.currentToken();
        if (token != null && token.isScalarValue() && token != JsonToken.VALUE_EMBEDDED_OBJECT) {
            return parser.apply(p.getText());
        }
        throw InvalidConfigException.of(expected);
    }
}
