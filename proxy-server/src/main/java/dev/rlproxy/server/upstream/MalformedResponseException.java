package dev.rlproxy.server.upstream;

import java.io.IOException;

/**
 * The upstream sent bytes that are not a valid HTTP response. The request reached it, so it is
 * never sent again.
 */
public final class MalformedResponseException extends IOException {

    public MalformedResponseException(Throwable cause) {
        super("malformed upstream response", cause);
    }
}
