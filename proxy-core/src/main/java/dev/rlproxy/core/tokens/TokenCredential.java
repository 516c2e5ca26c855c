package dev.rlproxy.core.tokens;

import java.util.Optional;

/**
 * One entry of a pool: a fixed token, or a generated one whose value changes over time. The pool
 * keeps its accounting (quota, quarantine) per {@link #fingerprint()}, which stays the same for
 * the whole life of the credential, across refreshes.
 */
public interface TokenCredential {

    /** Stable identity, safe to show. */
    String fingerprint();

    /** The token to send now, or empty while a generated credential has no valid token. */
    Optional<Secret> current();

    /** A credential that never changes. */
    static TokenCredential fixed(Secret secret) {
        return new Fixed(secret);
    }

    record Fixed(Secret secret) implements TokenCredential {
        public Fixed {
            if (secret == null) {
                throw new IllegalArgumentException("a fixed credential needs a secret");
            }
        }

        @Override
        public String fingerprint() {
            return secret.fingerprint();
        }

        @Override
        public Optional<Secret> current() {
            return Optional.of(secret);
        }
    }
}
