package dev.rlproxy.core.limit;

/**
 * A request cannot go now and should be tried again later: no ticket or no token within the wait
 * it was allowed. {@link #retryAfterNanos()} is the earliest moment worth trying again (the server
 * turns it into {@code Retry-After}). Messages never name a token.
 */
public abstract class RetryLaterException extends RuntimeException {

    private final long retryAfterNanos;

    protected RetryLaterException(long retryAfterNanos, String message) {
        super(message, null, false, false);
        this.retryAfterNanos = Math.max(0, retryAfterNanos);
    }

    public long retryAfterNanos() {
        return retryAfterNanos;
    }
}
