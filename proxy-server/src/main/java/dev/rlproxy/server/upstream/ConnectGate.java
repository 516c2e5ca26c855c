package dev.rlproxy.server.upstream;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.ssl.SslHandler;

import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * First handler of a new upstream connection. It paces the connect ({@link ConnectPacer}) and
 * completes the connect only once the connection can carry a request at once: after the TLS
 * handshake, not just the TCP connect. Otherwise the pool would hand out a connection whose first
 * write waits inside the TLS handler, and the moment the proxy writes a request would not be the
 * moment it leaves. {@code connectTimeout} counts from when the pacer lets the connect start.
 */
final class ConnectGate extends ChannelOutboundHandlerAdapter {

    private final ConnectPacer pacer;

    ConnectGate(ConnectPacer pacer) {
        this.pacer = pacer;
    }

    @Override
    public void connect(ChannelHandlerContext ctx, SocketAddress remote, SocketAddress local, ChannelPromise promise) {
        ChannelPromise connected = ctx.newPromise();
        connected.addListener(f -> {
            if (!f.isSuccess()) {
                promise.tryFailure(f.cause());
                return;
            }
            SslHandler tls = ctx.pipeline().get(SslHandler.class);
            if (tls == null) {
                promise.trySuccess();
                return;
            }
            tls.handshakeFuture().addListener(handshake -> {
                if (handshake.isSuccess()) {
                    promise.trySuccess();
                } else {
                    promise.tryFailure(handshake.cause());
                    ctx.close();
                }
            });
        });
        long delay = pacer.reserveNanos();
        if (delay <= 0) {
            ctx.connect(remote, local, connected);
        } else {
            ctx.executor().schedule(() -> {
                if (!promise.isDone()) {
                    ctx.connect(remote, local, connected);
                }
            }, delay, TimeUnit.NANOSECONDS);
        }
    }
}
