package dev.rlproxy.server.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import java.security.GeneralSecurityException;

/**
 * TLS contexts for a listener over its {@link ListenerCertificates}: Netty's for the proxy
 * listener, the JDK's for the admin listener. TLS 1.2 and 1.3 only; with client CAs, a client
 * without a certificate they issued is refused in the handshake.
 */
public final class ListenerContexts {

    /** Older protocol versions are refused in the handshake. */
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private ListenerContexts() {
    }

    public static SslContext netty(ListenerCertificates certificates) {
        try {
            return SslContextBuilder.forServer(certificates.keyManager())
                    .trustManager(certificates.clientTrustManager())
                    .clientAuth(certificates.config().requiresClientCertificate() ? ClientAuth.REQUIRE : ClientAuth.NONE)
                    .protocols(PROTOCOLS)
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot set up TLS for the listener", e);
        }
    }

    public static SSLContext jdk(ListenerCertificates certificates) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            TrustManager clients = certificates.clientTrustManager();
            context.init(new KeyManager[] {certificates.keyManager()},
                    clients == null ? null : new TrustManager[] {clients}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS for the listener", e);
        }
    }

    /** The handshake parameters of a JDK listener built by {@link #jdk}. */
    public static SSLParameters jdkParameters(SSLContext context, ListenerCertificates certificates) {
        SSLParameters parameters = context.getDefaultSSLParameters();
        parameters.setProtocols(PROTOCOLS);
        parameters.setNeedClientAuth(certificates.config().requiresClientCertificate());
        return parameters;
    }
}
