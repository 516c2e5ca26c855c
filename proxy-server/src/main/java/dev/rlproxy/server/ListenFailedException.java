package dev.rlproxy.server;

import java.net.BindException;

/** A listener could not bind its address (usually: already in use). The message names the address. */
public final class ListenFailedException extends RuntimeException {

    public ListenFailedException(String what, String address, Throwable cause) {
        super("cannot listen on " + address + " for the " + what + ": " + reason(cause), cause);
    }

    /** Whether {@code error} is a failure to bind (Netty's native transport does not use {@link BindException}). */
    public static boolean isBindFailure(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof BindException || (t.getMessage() != null && t.getMessage().contains("Address already in use"))) {
                return true;
            }
        }
        return false;
    }

    private static String reason(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("Address already in use")) {
                return "address already in use";
            }
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
