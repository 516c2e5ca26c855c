package dev.rlproxy.server.proxy;

import dev.rlproxy.core.headers.RateLimitObservation;
import dev.rlproxy.core.tokens.TokenLease;
import dev.rlproxy.core.tokens.TokenPool;
import dev.rlproxy.core.tokens.TokenState;

import java.util.HashSet;
import java.util.Set;

/**
 * Whether an upstream answer about the token (a throttle, or a 401 for a token the proxy chose)
 * should be retried with another one. Remembers the tokens one request has already used.
 */
final class TokenRetries {

    /** Made on the first retry: most requests never need one. */
    private Set<String> tried = Set.of();

    /** Fingerprints to leave out of the next checkout. */
    Set<String> tried() {
        return tried;
    }

    /**
     * @param canResend the request may go again (replayable body, attempts and wait left)
     */
    boolean shouldRetry(TokenPool pool, TokenLease lease, int status, RateLimitObservation observation,
                        boolean canResend) {
        boolean aboutTheToken = observation.throttled() || status == 401;
        if (lease == null || !aboutTheToken || !canResend) {
            return false;
        }
        if (tried.isEmpty()) {
            tried = new HashSet<>();
        }
        tried.add(lease.fingerprint());
        // Only when an untried token is in service: otherwise the client gets this upstream answer
        // rather than the proxy's "every token was already tried".
        return pool.status().stream().anyMatch(token -> !tried.contains(token.fingerprint())
                && (token.state() == TokenState.ACTIVE || token.state() == TokenState.SPENT));
    }
}
