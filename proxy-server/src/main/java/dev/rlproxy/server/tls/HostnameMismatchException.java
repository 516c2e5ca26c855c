package dev.rlproxy.server.tls;

import java.security.cert.CertificateException;

/** An upstream's certificate is trusted but issued for other names than the one the proxy asked for. */
public final class HostnameMismatchException extends CertificateException {

    HostnameMismatchException(String message, Throwable cause) {
        super(message, cause);
    }
}
