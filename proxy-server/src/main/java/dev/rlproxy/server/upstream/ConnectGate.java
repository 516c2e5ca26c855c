package dev.rlproxy.server.upstream;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.proxy.ProxyHandler;
import io.netty.handler.ssl.SslHandler;

import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * First handler of a new upstream connection. It paces the connect ({@link ConnectPacer}) and
 * completes the connect only once the connection can carry a request at once: after the egress
 * proxy's tunnel is up and the TLS handshake is done, not just the TCP connect. Otherwise the pool
 * would hand out a connection whose first write waits inside the TLS handler, and the moment the
 * proxy writes a request would not be the moment it leaves. {@code connectTimeout} counts from
 * when the pacer lets the connect start. Failures on the way to the egress proxy are reported as
 * {@link EgressProxyException}s, so the client's 502 says it was the egress proxy.
 */
final class ConnectGate extends ChannelOutboundHandlerAdapter {

    private final ConnectPacer pacer;
    /** The egress proxy's address ({@code host:port}), or null for a direct connection. */
    private final String egressProxy;

    ConnectGate(ConnectPacer pacer, String egressProxy) {
        this.pacer = pacer;
        this.egressProxy = egressProxy;
    }

    @Override
    public void connect(ChannelHandlerContext ctx, SocketAddress remote, SocketAddress local, ChannelPromise promise) {
        ChannelPromise connected = ctx.newPromise();
        connected.addListener(f -> {
            if (!f.isSuccess()) {
                promise.tryFailure(viaEgress(f.cause()));
                return;
            }
            ProxyHandler tunnel = ctx.pipeline().get(ProxyHandler.class);
            if (tunnel == null) {
                awaitHandshake(ctx, promise);
                return;
            }
            tunnel.connectFuture().addListener(t -> {
                if (t.isSuccess()) {
                    awaitHandshake(ctx, promise);
                } else {
                    fail(ctx, promise, viaEgress(t.cause()));
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

    private static void awaitHandshake(ChannelHandlerContext ctx, ChannelPromise promise) {
        SslHandler tls = ctx.pipeline().get(SslHandler.class);
        if (tls == null) {
            promise.trySuccess();
            return;
        }
        tls.handshakeFuture().addListener(handshake -> {
            if (handshake.isSuccess()) {
                promise.trySuccess();
            } else {
                fail(ctx, promise, handshake.cause());
            }
        });
    }

    private static void fail(ChannelHandlerContext ctx, ChannelPromise promise, Throwable cause) {
        promise.tryFailure(cause);
        ctx.close();
    }

    private Throwable viaEgress(Throwable cause) {
        return egressProxy == null ? cause : new EgressProxyException(egressProxy, cause);
    }
}
