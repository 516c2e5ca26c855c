package dev.rlproxy.server.tls;

/**
 * A certificate, key or CA file named in the configuration cannot be used. The message names the
 * file and what is wrong with it, never the file's content.
 */
public final class TlsFileException extends RuntimeException {

    public TlsFileException(String message) {
        super(message);
    }

    public TlsFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
