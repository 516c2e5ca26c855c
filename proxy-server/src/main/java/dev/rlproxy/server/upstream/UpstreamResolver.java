package dev.rlproxy.server.upstream;

import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.dns.DefaultDnsCache;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;

import java.net.InetSocketAddress;

/**
 * Resolves upstream host names without blocking: Netty's DNS client on the event loops (Netty's
 * default resolver calls the JDK's, which blocks the calling thread — an event loop). Answers
 * are cached for their TTL, at most {@link #MAX_TTL_SECONDS}; failures for
 * {@link #NEGATIVE_TTL_SECONDS}. {@code /etc/hosts} is read first, so {@code localhost} and hosts
 * entries work as with the JDK; name servers come from {@code /etc/resolv.conf}.
 */
public final class UpstreamResolver {

    static final int MAX_TTL_SECONDS = 3600;
    static final int NEGATIVE_TTL_SECONDS = 5;

    private UpstreamResolver() {
    }

    /** One resolver per event loop, on the transport's own channel types (epoll or NIO). */
    public static AddressResolverGroup<InetSocketAddress> create(Class<? extends DatagramChannel> datagramType,
                                                                 Class<? extends SocketChannel> socketType) {
        return new DnsAddressResolverGroup(new DnsNameResolverBuilder()
                .datagramChannelType(datagramType)
                .socketChannelType(socketType) // TCP fallback for truncated answers
                .resolveCache(new DefaultDnsCache(0, MAX_TTL_SECONDS, NEGATIVE_TTL_SECONDS)));
    }
}
