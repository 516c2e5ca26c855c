package dev.rlproxy.server.store;

/**
 * The shared store could not be asked: it is unreachable, too slow, its circuit is open, or its
 * call queue is full. Callers fall back to the configured failure mode; the message names the
 * cause but never a password.
 */
public final class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreUnavailableException(String message) {
        super(message);
    }
}
