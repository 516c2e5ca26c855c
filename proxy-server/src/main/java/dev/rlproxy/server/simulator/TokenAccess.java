package dev.rlproxy.server.simulator;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Finds the caller's token in a request and decides whether it may call at all (401 otherwise). */
final class TokenAccess {

    private static final Set<String> SCHEMES = Set.of("bearer", "token", "bot");

    private final Set<String> validTokens;
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();

    TokenAccess(Set<String> validTokens) {
        this.validTokens = validTokens;
    }

    /** The token in a header value: {@code Bearer X}, {@code token X}, {@code Bot X} or a bare {@code X}. */
    static Optional<String> tokenIn(String headerValue) {
        if (headerValue == null) {
            return Optional.empty();
        }
        String value = headerValue.strip();
        String[] schemeAndRest = value.split("\\s+", 2);
        if (SCHEMES.contains(schemeAndRest[0].toLowerCase(Locale.ROOT))) {
            value = schemeAndRest.length == 2 ? schemeAndRest[1] : "";
        }
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    /** True when the request may proceed to the rate limits. */
    boolean admits(Optional<String> token) {
        if (token.isEmpty()) {
            return validTokens.isEmpty();
        }
        String value = token.get();
        return !revoked.contains(value) && (validTokens.isEmpty() || validTokens.contains(value));
    }

    /** From now on the token answers 401. */
    void revoke(String token) {
        revoked.add(token);
    }
}
