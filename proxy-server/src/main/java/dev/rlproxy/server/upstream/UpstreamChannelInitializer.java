package dev.rlproxy.server.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * Pipeline of a new upstream connection: the connect gate (pacing, ready only after the TLS
 * handshake), TLS with SNI and hostname verification, HTTP/1.1 codec, relay.
 */
final class UpstreamChannelInitializer {

    private final UpstreamTarget target;
    private final SslContext sslContext;
    private final ConnectPacer pacer;
    private final long handshakeTimeoutMillis;

    UpstreamChannelInitializer(UpstreamTarget target, SslContext sslContext, ConnectPacer pacer,
                               long handshakeTimeoutMillis) {
        this.target = target;
        this.sslContext = sslContext;
        this.pacer = pacer;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    void initialize(Channel ch) {
        ChannelPipeline pipeline = ch.pipeline();
        pipeline.addLast("gate", new ConnectGate(pacer));
        if (target.tls()) {
            SslHandler ssl = sslContext.newHandler(ch.alloc(), target.host(), target.port());
            ssl.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
            SSLEngine engine = ssl.engine();
            SSLParameters params = engine.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            engine.setSSLParameters(params);
            pipeline.addLast("tls", ssl);
        }
        pipeline.addLast("http", new HttpClientCodec());
        pipeline.addLast("relay", new UpstreamRelayHandler());
    }
}
