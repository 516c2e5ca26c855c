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
 * Reads a token file path: relative paths are resolved against the config file's folder (so a
 * config and its token file can move together), and the file must exist now rather than fail at
 * the first request.
 */
final class TokenFileDeserializer extends StdScalarDeserializer<Path> {

    /** The attribute holding the folder relative paths are resolved against. */
    static final String BASE_DIR_ATTRIBUTE = "rlproxy.config.dir";

    TokenFileDeserializer() {
        super(Path.class);
    }

    @Override
    public Path deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        return existingFile(p, ctxt, "expected a file path, like tokens.txt");
    }

    /** The file the current scalar names, resolved against the config file's folder; it must exist. */
    static Path existingFile(JsonParser p, DeserializationContext ctxt, String expected) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING || p.getText().isBlank()) {
            throw InvalidConfigException.of(expected);
        }
        Path file;
        try {
            file = Path.of(p.getText().strip());
        } catch (InvalidPathException e) {
            throw InvalidConfigException.of("not a valid file path");
        }
        Object base = ctxt.getAttribute(BASE_DIR_ATTRIBUTE);
        if (!file.isAbsolute() && base instanceof Path dir) {
            file = dir.resolve(file).normalize();
        }
        if (!Files.isRegularFile(file)) {
            throw InvalidConfigException.of("file not found: " + file);
        }
        return file;
    }
}
