package dev.rlproxy.server.tls;

import dev.rlproxy.core.config.TrustMode;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * The CAs a TLS client trusts — the JDK's defaults, a private {@code caFile} added to them, or that
 * file alone — and how to say so when a certificate is refused.
 *
 * @param description what is trusted, for the refusal's message
 */
record TrustedAuthorities(List<X509Certificate> authorities, String description) {

    /**
     * @param caFile     PEM CAs, or null for the JDK's defaults only
     * @param trust      whether {@code caFile} is added to the defaults or replaces them; null: added
     * @param caFileKey  the configuration key of {@code caFile}, named when only the defaults are trusted
     * @throws TlsFileException when {@code caFile} holds no readable certificate
     */
    static TrustedAuthorities of(Path caFile, TrustMode trust, String caFileKey) {
        List<X509Certificate> authorities = new ArrayList<>();
        if (caFile == null) {
            authorities.addAll(TrustStores.jdkDefaultAuthorities());
            return new TrustedAuthorities(authorities, "the JDK's default CAs; a private CA goes in " + caFileKey);
        }
        boolean replace = trust == TrustMode.REPLACE;
        if (!replace) {
            authorities.addAll(TrustStores.jdkDefaultAuthorities());
        }
        authorities.addAll(PemFiles.certificates(caFile));
        return new TrustedAuthorities(authorities,
                replace ? "only the CAs of " + caFile : "the JDK's default CAs and those of " + caFile);
    }
}
