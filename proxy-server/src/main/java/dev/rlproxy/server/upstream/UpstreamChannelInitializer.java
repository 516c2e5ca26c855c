package dev.rlproxy.server.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/** Pipeline of a new upstream connection: TLS with SNI and hostname verification, HTTP/1.1 codec, relay. */
final class UpstreamChannelInitializer extends AbstractChannelPoolHandler {

    private final UpstreamTarget target;
    private final SslContext sslContext;

    UpstreamChannelInitializer(UpstreamTarget target, SslContext sslContext) {
        this.target = target;
        this.sslContext = sslContext;
    }

    /** Marks a connection that has waited idle in the pool: the upstream may have closed it meanwhile. */
    @Override
    public void channelReleased(Channel ch) {
        ch.attr(UpstreamConnections.WAITED_IN_POOL).set(Boolean.TRUE);
    }

    @Override
    public void channelCreated(Channel ch) {
        ChannelPipeline pipeline = ch.pipeline();
        if (target.tls()) {
            SslHandler ssl = sslContext.newHandler(ch.alloc(), target.host(), target.port());
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
