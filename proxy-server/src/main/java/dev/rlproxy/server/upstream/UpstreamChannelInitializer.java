package dev.rlproxy.server.upstream;

import dev.rlproxy.core.config.EgressProxy;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.proxy.HttpProxyHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.resolver.AddressResolverGroup;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.net.InetSocketAddress;

/**
 * Pipeline of a new upstream connection: the connect gate (pacing, ready only after the tunnel and
 * the TLS handshake), for an https upstream through an egress proxy the CONNECT tunnel, TLS with
 * SNI and hostname verification (offering {@code h2} by ALPN when the upstream's {@code http2} is
 * {@code auto}), then for HTTP/1.1 the codec (requests in absolute form to a plain-http upstream
 * through an egress proxy) and the relay.
 */
final class UpstreamChannelInitializer {

    private final UpstreamTarget target;
    private final UpstreamTls tls;
    private final EgressProxy egress;
    private final AddressResolverGroup<InetSocketAddress> resolver;
    private final ConnectPacer pacer;
    private final long handshakeTimeoutMillis;

    /**
     * @param tls    null for a plain-http upstream
     * @param egress the egress proxy, or null for a direct connection
     */
    UpstreamChannelInitializer(UpstreamTarget target, UpstreamTls tls, EgressProxy egress,
                               AddressResolverGroup<InetSocketAddress> resolver, ConnectPacer pacer,
                               long handshakeTimeoutMillis) {
        this.target = target;
        this.tls = tls;
        this.egress = egress;
        this.resolver = resolver;
        this.pacer = pacer;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    /** Whether connections go through a CONNECT tunnel: the bootstrap then resolves nothing itself. */
    boolean tunnels() {
        return egress != null && target.tls();
    }

    /** An HTTP/1.1 connection: the stages up to TLS (without ALPN), then the HTTP/1.1 codec and the relay. */
    void initialize(Channel ch) {
        ChannelPipeline pipeline = connectionStages(ch, tls == null ? null : tls.context());
        pipeline.addLast("http", new HttpClientCodec());
        if (egress != null && !target.tls()) {
            pipeline.addLast("absolute-form", new AbsoluteFormRequests(target, egress));
        }
        pipeline.addLast("relay", new UpstreamRelayHandler());
    }

    /**
     * A connection that offers HTTP/2 by ALPN: only the stages up to TLS. What follows depends on
     * the protocol the upstream picks in the handshake ({@link Http2LoopPool}).
     */
    void initializeNegotiating(Channel ch) {
        connectionStages(ch, tls.http2Context());
    }

    private ChannelPipeline connectionStages(Channel ch, SslContext context) {
        ChannelPipeline pipeline = ch.pipeline();
        if (tunnels()) {
            pipeline.addLast("resolve", new ProxyAddressResolver(resolver));
        }
        pipeline.addLast("gate", new ConnectGate(pacer, egress == null ? null : egress.address()));
        if (tunnels()) {
            InetSocketAddress proxy = InetSocketAddress.createUnresolved(egress.host(), egress.port());
            HttpProxyHandler tunnel = egress.hasCredentials()
                    ? new HttpProxyHandler(proxy, egress.username(), egress.password().value())
                    : new HttpProxyHandler(proxy);
            tunnel.setConnectTimeoutMillis(handshakeTimeoutMillis);
            pipeline.addLast("egress", tunnel);
        }
        if (target.tls()) {
            SslHandler ssl = context.newHandler(ch.alloc(), tls.serverName(), target.port());
            ssl.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
            SSLEngine engine = ssl.engine();
            SSLParameters params = engine.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            engine.setSSLParameters(params);
            pipeline.addLast("tls", ssl);
        }
        return pipeline;
    }
}
