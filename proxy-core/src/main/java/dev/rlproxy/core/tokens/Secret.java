package dev.rlproxy.core.tokens;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;

/**
 * A token or client secret. Its {@link #toString()} is its {@link Fingerprint}, so a secret that
 * ends up in a log line, an exception message or a record's {@code toString} shows nothing usable.
 * Only {@link #value()} gives the raw text, for the code that really sends it.
 */
public final class Secret {

    private final String value;
    private final String fingerprint;

    private Secret(String value) {
        this.value = value;
        this.fingerprint = Fingerprint.of(value);
    }

    /** Wraps a secret; surrounding whitespace is dropped (it is never part of a token). */
    public static Secret of(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("a secret must not be empty");
        }
        return new Secret(value.strip());
    }

    /** The raw value: only for the code that puts it on the wire. */
    public String value() {
        return value;
    }

    public String fingerprint() {
        return fingerprint;
    }

    @Override
    public boolean equals(Object o) {
        // Constant time, so comparing secrets leaks nothing through timing.
        return o instanceof Secret other && MessageDigest.isEqual(
                value.getBytes(StandardCharsets.UTF_8), other.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return fingerprint.hashCode();
    }

    @Override
    public String toString() {
        return fingerprint;
    }
}
