package dev.rlproxy.server.upstream;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.resolver.AddressResolverGroup;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Resolves the egress proxy's host name without blocking, right before the socket connects. The
 * connection's own remote address stays the upstream's unresolved name (the egress proxy
 * resolves that one: inside a company only it may be able to), so the bootstrap resolves nothing
 * and this handler, first in the pipeline, resolves the address {@code HttpProxyHandler} connects to.
 */
final class ProxyAddressResolver extends ChannelOutboundHandlerAdapter {

    private final AddressResolverGroup<InetSocketAddress> resolver;

    ProxyAddressResolver(AddressResolverGroup<InetSocketAddress> resolver) {
        this.resolver = resolver;
    }

    @Override
    public void connect(ChannelHandlerContext ctx, SocketAddress remote, SocketAddress local, ChannelPromise promise) {
        if (!(remote instanceof InetSocketAddress address) || !address.isUnresolved()) {
            ctx.connect(remote, local, promise);
            return;
        }
        resolver.getResolver(ctx.executor()).resolve(address).addListener(resolved -> {
            if (resolved.isSuccess()) {
                ctx.connect((SocketAddress) resolved.getNow(), local, promise);
            } else {
                promise.tryFailure(resolved.cause());
            }
        });
    }
}
