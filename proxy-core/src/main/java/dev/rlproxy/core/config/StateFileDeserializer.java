package dev.rlproxy.core.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Reads a file the proxy writes (it need not exist yet): relative to the config file's folder,
 * and its folder must exist, so a typo fails at load instead of at the first write.
 */
final class StateFileDeserializer extends StdScalarDeserializer<Path> {

    StateFileDeserializer() {
        super(Path.class);
    }

    @Override
    public Path deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING || p.getText().isBlank()) {
            throw InvalidConfigException.of("expected a file path, like usage.state");
        }
        Path file;
        try {
            file = Path.of(p.getText().strip());
        } catch (InvalidPathException e) {
            throw InvalidConfigException.of("not a valid file path");
        }
        Object base = ctxt.getAttribute(TokenFileDeserializer.BASE_DIR_ATTRIBUTE);
        if (!file.isAbsolute() && base instanceof Path dir) {
            file = dir.resolve(file).normalize();
        }
        Path folder = file.toAbsolutePath().getParent();
        if (folder == null || !Files.isDirectory(folder)) {
            throw InvalidConfigException.of("folder not found: " + folder);
        }
        return file;
    }
}
