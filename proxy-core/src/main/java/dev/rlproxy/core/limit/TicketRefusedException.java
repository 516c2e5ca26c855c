package dev.rlproxy.core.limit;

/** A ticket could not be had; {@link #retryAfterNanos()} is the earliest time worth trying again. */
public final class TicketRefusedException extends RetryLaterException {

    public enum Reason {
        /** The queue was already at {@code queue.maxDepth}. */
        QUEUE_FULL,
        /** The earliest possible admission lies beyond {@code queue.maxWait}, or the wait ran out. */
        MAX_WAIT,
        /** A new key of a bucket definition whose {@code maxKeys} live keys are all busy. */
        TOO_MANY_KEYS,
        /** The shared store cannot be asked and {@code store.redis.onFailure} is {@code fail-closed}. */
        STORE_UNAVAILABLE
    }

    private final Reason reason;

    public TicketRefusedException(Reason reason, long retryAfterNanos, String message) {
        super(retryAfterNanos, message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
