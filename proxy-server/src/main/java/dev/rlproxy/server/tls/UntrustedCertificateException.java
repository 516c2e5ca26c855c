package dev.rlproxy.server.tls;

import java.security.cert.CertificateException;

/** An upstream's certificate chain does not lead to a CA the proxy trusts for it. */
public final class UntrustedCertificateException extends CertificateException {

    UntrustedCertificateException(String message, Throwable cause) {
        super(message, cause);
    }
}
