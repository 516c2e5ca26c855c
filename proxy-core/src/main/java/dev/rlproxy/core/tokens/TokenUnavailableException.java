package dev.rlproxy.core.tokens;

import dev.rlproxy.core.limit.RetryLaterException;

/**
 * No token could be checked out in time. {@link #retryAfterNanos()} is the earliest moment worth
 * trying again (the server turns it into {@code Retry-After}). The message names no token.
 */
public final class TokenUnavailableException extends RetryLaterException {

    public enum Reason {
        /** The pool has no tokens configured (or is closed). */
        NO_TOKENS,
        /** Every token the pool has is in the caller's exclusion set. */
        ONLY_EXCLUDED,
        /** Every eligible token is spent, quarantined, busy or pending beyond the allowed wait. */
        EXHAUSTED,
        /** As many checkouts as allowed ({@code queue.maxDepth}) already wait for a token. */
        QUEUE_FULL
    }

    private final Reason reason;

    public TokenUnavailableException(Reason reason, long retryAfterNanos, String message) {
        super(retryAfterNanos, message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
