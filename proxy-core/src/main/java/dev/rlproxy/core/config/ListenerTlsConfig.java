package dev.rlproxy.core.config;

import java.nio.file.Path;

/**
 * TLS on a listener ({@code server.tls}, {@code admin.tls}). The files are PEM and are re-read
 * when they change, so certificates rotate without a restart. Relative paths are resolved against
 * the config file's folder.
 *
 * @param certFile     the certificate, followed by its intermediate CAs
 * @param keyFile      its private key, unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}) or PKCS#1
 *                     ({@code BEGIN RSA PRIVATE KEY})
 * @param clientCaFile CAs whose client certificates are accepted; when set, clients without such a
 *                     certificate are refused during the handshake (mutual TLS)
 */
public record ListenerTlsConfig(Path certFile, Path keyFile, Path clientCaFile) {

    public ListenerTlsConfig {
        Violations v = new Violations();
        v.check(certFile != null, "certFile", "required: the listener's certificate (PEM)");
        v.check(keyFile != null, "keyFile", "required: the certificate's private key (PEM)");
        v.throwIfAny();
    }

    public boolean requiresClientCertificate() {
        return clientCaFile != null;
    }
}
