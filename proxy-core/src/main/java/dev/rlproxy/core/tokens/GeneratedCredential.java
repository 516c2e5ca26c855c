package dev.rlproxy.core.tokens;

import java.time.Instant;

/** A token a {@link CredentialGenerator} minted, valid until {@code expiresAt} (wall clock). */
public record GeneratedCredential(Secret token, Instant expiresAt) {

    public GeneratedCredential {
        if (token == null || expiresAt == null) {
            throw new IllegalArgumentException("a generated credential needs a token and an expiry");
        }
    }
}
