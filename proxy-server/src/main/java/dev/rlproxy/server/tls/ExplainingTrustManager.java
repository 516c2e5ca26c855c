package dev.rlproxy.server.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Verifies a server's certificate (an upstream's, Redis') with the JDK's PKIX validation and
 * hostname check (the engine or socket carries endpoint identification "HTTPS"), and when it fails
 * says which of the two failed in words an operator can act on: the host and the names the
 * certificate holds, or the issuer that is not trusted and where a private CA is configured.
 */
final class ExplainingTrustManager extends DelegatingTrustManager {

    private final X509ExtendedTrustManager verifier;
    private final String server;
    private final String trustDescription;
    private final String serverNameKey;

    /**
     * @param server           what the proxy connects to, for the messages ({@code upstream 'github'})
     * @param trustDescription which CAs {@code verifier} trusts, for the messages
     * @param serverNameKey    the configuration key that sets the name to verify
     */
    ExplainingTrustManager(X509ExtendedTrustManager verifier, String server, String trustDescription,
                           String serverNameKey) {
        this.verifier = verifier;
        this.server = server;
        this.trustDescription = trustDescription;
        this.serverNameKey = serverNameKey;
    }

    @Override
    X509ExtendedTrustManager delegate() {
        return verifier;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        try {
            verifier.checkServerTrusted(chain, authType, engine);
        } catch (CertificateException failed) {
            throw explained(chain, authType, engine.getPeerHost(), failed);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        try {
            verifier.checkServerTrusted(chain, authType, socket);
        } catch (CertificateException failed) {
            throw explained(chain, authType, peerHost(socket), failed);
        }
    }

    /** The chain alone (no hostname) decides which of the two checks failed. */
    private CertificateException explained(X509Certificate[] chain, String authType, String host,
                                           CertificateException failed) {
        X509Certificate leaf = chain[0];
        try {
            verifier.checkServerTrusted(chain, authType);
        } catch (CertificateException untrusted) {
            return new UntrustedCertificateException(server + ": the certificate of " + host
                    + " (" + leaf.getSubjectX500Principal().getName() + ", issued by "
                    + leaf.getIssuerX500Principal().getName() + ") is not signed by a CA the proxy trusts ("
                    + trustDescription + "): " + untrusted.getMessage(), untrusted);
        }
        return new HostnameMismatchException(server + ": host name '" + host
                + "' does not match the certificate's names " + names(leaf)
                + " (set " + serverNameKey + " to the name the certificate is for)", failed);
    }

    /** The name the client asked for (what hostname verification checks), else the address. */
    private static String peerHost(Socket socket) {
        if (socket instanceof SSLSocket ssl && ssl.getHandshakeSession() != null
                && ssl.getHandshakeSession().getPeerHost() != null) {
            return ssl.getHandshakeSession().getPeerHost();
        }
        return String.valueOf(socket.getInetAddress());
    }

    /** The DNS and IP names of the certificate, or its subject when it has none. */
    static List<String> names(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> name : alternatives) {
                    int type = (Integer) name.get(0);
                    if (type == 2 || type == 7) { // dNSName, iPAddress
                        names.add(String.valueOf(name.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // fall back to the subject
        }
        if (names.isEmpty()) {
            names.add(certificate.getSubjectX500Principal().getName());
        }
        return names;
    }
}
