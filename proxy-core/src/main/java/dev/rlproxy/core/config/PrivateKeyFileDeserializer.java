package dev.rlproxy.core.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import dev.rlproxy.core.tokens.RsaSigningKey;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a private key file named in the configuration (resolved like a token file) and parses
 * it, so an unreadable file, a file that is no PEM key, or a key of the wrong type is an error at
 * its line. The messages name the file, never its content.
 */
final class PrivateKeyFileDeserializer extends StdScalarDeserializer<RsaSigningKey> {

    PrivateKeyFileDeserializer() {
        super(RsaSigningKey.class);
    }

    @Override
    public RsaSigningKey deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        Path file = TokenFileDeserializer.existingFile(p, ctxt, "expected a file path, like /run/secrets/app.pem");
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw InvalidConfigException.of("cannot read the key file " + file + " (" + e.getClass().getSimpleName() + ")");
        }
        try {
            return RsaSigningKey.fromPem(pem);
        } catch (IllegalArgumentException e) {
            throw InvalidConfigException.of(file + ": " + e.getMessage());
        }
    }

    /** The PEM text itself, e.g. from {@code privateKey: "${GITHUB_APP_KEY}"}. */
    static RsaSigningKey fromText(String pem) {
        try {
            return RsaSigningKey.fromPem(pem);
        } catch (IllegalArgumentException e) {
            throw InvalidConfigException.of(e.getMessage());
        }
    }
}
