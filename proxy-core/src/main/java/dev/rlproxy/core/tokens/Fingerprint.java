package dev.rlproxy.core.tokens;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The only way a token is ever shown: {@code sha256:} and the first 8 hex digits of the SHA-256 of
 * its value. Short enough for logs and metric labels, long enough to tell a pool's tokens apart,
 * far too short to help anyone recover the token.
 */
public final class Fingerprint {

    private Fingerprint() {
    }

    public static String of(String secret) {
        if (secret == null) {
            throw new IllegalArgumentException("cannot fingerprint a null secret");
        }
        byte[] digest = sha256().digest(secret.getBytes(StandardCharsets.UTF_8));
        return "sha256:" + HexFormat.of().formatHex(digest, 0, 4);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }
}
