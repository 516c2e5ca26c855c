package dev.rlproxy.server.tls;

import dev.rlproxy.core.config.UpstreamTlsConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;

/**
 * What the TLS clients of one https upstream trust: the JDK's default CAs, plus or instead of the
 * PEM CAs of {@code tls.caFile}; hostname verification always on, failures explained
 * ({@link ExplainingTrustManager}). Read once, however many contexts are made from it: with
 * {@code http2: auto} one offers {@code h2} and one does not, and both trust the same CAs.
 */
public final class UpstreamTrust {

    /** ALPN offer of a connection that may speak HTTP/2: {@code h2} first, {@code http/1.1} as the fallback. */
    private static final ApplicationProtocolConfig OFFER_H2 = new ApplicationProtocolConfig(
            ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
            ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1);

    private final String upstream;
    private final TrustManager trustManager;

    private UpstreamTrust(String upstream, TrustManager trustManager) {
        this.upstream = upstream;
        this.trustManager = trustManager;
    }

    /**
     * @param tls the upstream's {@code tls} section, or null for the defaults
     * @throws TlsFileException when {@code caFile} holds no readable certificate
     */
    public static UpstreamTrust of(String upstream, UpstreamTlsConfig tls) {
        TrustedAuthorities trusted = TrustedAuthorities.of(tls == null ? null : tls.caFile(),
                tls == null ? null : tls.trust(), "upstreams." + upstream + ".tls.caFile");
        return new UpstreamTrust(upstream, new ExplainingTrustManager(TrustStores.trusting(trusted.authorities()),
                "upstream '" + upstream + "'", trusted.description(), "upstreams." + upstream + ".tls.serverName"));
    }

    /** @param offerHttp2 offer {@code h2} and {@code http/1.1} by ALPN; otherwise no ALPN (HTTP/1.1) */
    public SslContext context(boolean offerHttp2) {
        try {
            SslContextBuilder builder = SslContextBuilder.forClient()
                    .trustManager(trustManager)
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
