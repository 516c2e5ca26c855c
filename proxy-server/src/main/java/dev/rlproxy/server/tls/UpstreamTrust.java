package dev.rlproxy.server.tls;

import dev.rlproxy.core.config.TrustMode;
import dev.rlproxy.core.config.UpstreamTlsConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import javax.net.ssl.SSLException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * The TLS client context for one https upstream: the JDK's default CAs, plus or instead of the
 * PEM CAs of {@code tls.caFile}; hostname verification always on, failures explained
 * ({@link ExplainingTrustManager}).
 */
public final class UpstreamTrust {

    private UpstreamTrust() {
    }

    /** ALPN offer of a connection that may speak HTTP/2: {@code h2} first, {@code http/1.1} as the fallback. */
    private static final ApplicationProtocolConfig OFFER_H2 = new ApplicationProtocolConfig(
            ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
            ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1);

    /**
     * @param tls       the upstream's {@code tls} section, or null for the defaults
     * @param offerHttp2 offer {@code h2} and {@code http/1.1} by ALPN; otherwise no ALPN (HTTP/1.1)
     * @throws TlsFileException when {@code caFile} holds no readable certificate
     */
    public static SslContext context(String upstream, UpstreamTlsConfig tls, boolean offerHttp2) {
        List<X509Certificate> authorities = new ArrayList<>();
        String description = "the JDK's default CAs; a private CA goes in upstreams." + upstream + ".tls.caFile";
        if (tls != null && tls.caFile() != null) {
            boolean replace = tls.trust() == TrustMode.REPLACE;
            description = replace ? "only the CAs of " + tls.caFile()
                    : "the JDK's default CAs and those of " + tls.caFile();
            if (!replace) {
                authorities.addAll(TrustStores.jdkDefaultAuthorities());
            }
            authorities.addAll(PemFiles.certificates(tls.caFile()));
        } else {
            authorities.addAll(TrustStores.jdkDefaultAuthorities());
        }
        try {
            SslContextBuilder builder = SslContextBuilder.forClient()
                    .trustManager(new ExplainingTrustManager(TrustStores.trusting(authorities), "upstream '" + upstream + "'",
                            description, "upstreams." + upstream + ".tls.serverName"))
                    .endpointIdentificationAlgorithm("HTTPS")
                    .protocols(ListenerContexts.PROTOCOLS);
            if (offerHttp2) {
                builder.applicationProtocolConfig(OFFER_H2);
            }
            return builder.build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot set up TLS for upstream '" + upstream + "'", e);
        }
    }
}
