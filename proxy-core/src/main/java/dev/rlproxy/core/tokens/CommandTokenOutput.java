package dev.rlproxy.core.tokens;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Reads what a token command printed: the token alone on one line, or a JSON object with
 * {@code token} or {@code access_token} and optionally {@code expiresAt}/{@code expires_at}
 * (ISO-8601, or epoch seconds) or {@code expires_in}/{@code expiresIn} (seconds).
 *
 * <p>Errors describe the output's shape (empty, how many lines, which field is missing), never
 * its content: a command that prints its token in an unexpected way must not leak it.
 */
final class CommandTokenOutput {

    /** Stated expiries further out are not believed: the command runs at least once a day. */
    static final Duration MAX_LIFETIME = Duration.ofDays(1);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EXPECTED = "expected the token alone on one line, or JSON like "
            + "{\"token\": \"...\", \"expiresAt\": \"2030-01-01T00:00:00Z\"} or {\"access_token\": \"...\", \"expires_in\": 3600}";

    private CommandTokenOutput() {
    }

    /**
     * @param nowMillis       the wall clock now
     * @param defaultLifetime how long a token is used when the output states no expiry
     * @throws IllegalArgumentException with a message safe to log
     */
    static GeneratedCredential parse(byte[] stdout, long nowMillis, Duration defaultLifetime) {
        String text = utf8(stdout).strip();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("printed no token (empty output); " + EXPECTED);
        }
        Instant expiresAt;
        String token;
        if (text.startsWith("{")) {
            JsonNode json = readJson(text);
            token = firstText(json, "token", "access_token");
            if (token == null) {
                throw new IllegalArgumentException("printed JSON without a \"token\" or \"access_token\" text field");
            }
            expiresAt = expiry(json, nowMillis);
        } else {
            long lines = text.lines().count();
            if (lines > 1) {
                throw new IllegalArgumentException("printed " + lines + " lines, not a token; " + EXPECTED);
            }
            token = text;
            expiresAt = null;
        }
        checkTokenCharacters(token);
        long latest = nowMillis + MAX_LIFETIME.toMillis();
        long at = expiresAt == null ? nowMillis + defaultLifetime.toMillis() : Math.min(expiresAt.toEpochMilli(), latest);
        return new GeneratedCredential(Secret.of(token), Instant.ofEpochMilli(at));
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("printed " + bytes.length + " bytes that are not UTF-8 text; " + EXPECTED);
        }
    }

    private static JsonNode readJson(String text) {
        try {
            JsonNode json = JSON.readTree(text);
            if (json != null && json.isObject()) {
                return json;
            }
        } catch (IOException e) {
            // reported below, without the parser's message (it quotes the input)
        }
        throw new IllegalArgumentException("printed text starting with '{' that is not a JSON object; " + EXPECTED);
    }

    private static String firstText(JsonNode json, String... names) {
        for (String name : names) {
            JsonNode value = json.get(name);
            if (value != null && value.isTextual() && !value.asText().isBlank()) {
                return value.asText().strip();
            }
        }
        return null;
    }

    private static Instant expiry(JsonNode json, long nowMillis) {
        JsonNode at = json.has("expiresAt") ? json.get("expiresAt") : json.get("expires_at");
        if (at != null && !at.isNull()) {
            if (at.canConvertToLong() && at.isNumber()) {
                return Instant.ofEpochSecond(at.asLong());
            }
            try {
                return OffsetDateTime.parse(at.asText().strip()).toInstant();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("printed an expiresAt that is not an ISO-8601 time like "
                        + "2030-01-01T00:00:00Z or epoch seconds");
            }
        }
        JsonNode in = json.has("expires_in") ? json.get("expires_in") : json.get("expiresIn");
        if (in != null && !in.isNull()) {
            long seconds = in.isNumber() && in.canConvertToLong() ? in.asLong() : parseSeconds(in.asText());
            if (seconds <= 0) {
                throw new IllegalArgumentException("printed an expires_in that is not a positive number of seconds");
            }
            return Instant.ofEpochMilli(nowMillis).plusSeconds(Math.min(seconds, MAX_LIFETIME.toSeconds()));
        }
        return null;
    }

    private static long parseSeconds(String text) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** A token goes into a header: visible ASCII only, so nothing can split or smuggle a header. */
    private static void checkTokenCharacters(String token) {
        if (token.length() > 16 * 1024) {
            throw new IllegalArgumentException("printed a token longer than 16 KiB");
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw new IllegalArgumentException("printed a token with spaces, control or non-ASCII characters; "
                        + EXPECTED);
            }
        }
    }
}
