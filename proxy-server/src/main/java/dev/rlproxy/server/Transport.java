package dev.rlproxy.server;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.NettyRuntime;

/**
 * The socket implementation: native epoll on Linux when its library loads, otherwise NIO. Set the
 * system property {@code rlproxy.transport=nio} to force NIO.
 */
record Transport(String name, IoHandlerFactory ioHandlers, Class<? extends ServerChannel> serverChannel,
                 Class<? extends SocketChannel> clientChannel, Class<? extends DatagramChannel> datagramChannel) {

    /**
     * Event loops for the proxy's sockets: one per core, as nginx's {@code worker_processes auto},
     * unless {@code -Dio.netty.eventLoopThreads} says otherwise. Netty's own default is two per core,
     * which on a 2-core machine measured the same req/s with a longer tail (p99 at 32 connections
     * 2–3 ms higher): every loop competes for the same cores.
     */
    static int eventLoops() {
        return Math.max(1, Integer.getInteger("io.netty.eventLoopThreads", NettyRuntime.availableProcessors()));
    }

    static Transport detect() {
        boolean nioForced = "nio".equalsIgnoreCase(System.getProperty("rlproxy.transport"));
        if (!nioForced && Epoll.isAvailable()) {
            return new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
                    EpollSocketChannel.class, EpollDatagramChannel.class);
        }
        return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class,
                NioDatagramChannel.class);
    }
}
