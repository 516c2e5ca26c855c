package dev.rlproxy.core.config;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * How the proxy verifies Redis over TLS ({@code store.redis.tls}, with a {@code rediss} uri), and
 * the certificate it presents when Redis asks for one. Hostname verification is always on; there
 * is no switch to turn it off. Paths are relative to the config file's folder.
 *
 * @param caFile     PEM certificates of the CAs to trust, e.g. the private CA Redis' certificate comes from
 * @param serverName the name sent in SNI and checked against every node's certificate, when the
 *                   uri reaches the nodes by another name (an IP address, an internal alias)
 * @param trust      whether {@code caFile} is added to the JDK's default CAs or replaces them (default add)
 * @param certFile   the client certificate (PEM) presented to a Redis with {@code tls-auth-clients}, mutual TLS
 * @param keyFile    its private key, unencrypted PEM (PKCS#8 or PKCS#1)
 */
public record RedisTlsConfig(Path caFile, String serverName, TrustMode trust, Path certFile, Path keyFile) {

    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");

    public RedisTlsConfig {
        trust = trust == null ? TrustMode.ADD : trust;
        serverName = serverName == null ? null : serverName.strip();
        Violations v = new Violations();
        v.check(trust != TrustMode.REPLACE || caFile != null, "trust",
                "replace needs a caFile: the CAs that replace the default ones");
        v.check(serverName == null || HOST_NAME.matcher(serverName).matches(), "serverName",
                "must be a host name (letters, digits, '.', '-'), like redis.internal.example.com");
        v.check(certFile != null || keyFile == null, "certFile", "required with keyFile: the client certificate (PEM)");
        v.check(keyFile != null || certFile == null, "keyFile", "required with certFile: its private key (PEM)");
        v.throwIfAny();
    }

    /** Whether the proxy presents a client certificate (mutual TLS). */
    public boolean presentsCertificate() {
        return certFile != null;
    }
}
