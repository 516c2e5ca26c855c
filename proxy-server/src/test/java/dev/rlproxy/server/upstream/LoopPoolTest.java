package dev.rlproxy.server.upstream;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.resolver.DefaultAddressResolverGroup;
import io.netty.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The HTTP/1.1 pool of one loop against a real TCP listener that only accepts (a pool never sends
 * anything by itself): reuse, the bound, waiting and its limits, connections closed while idle, warm
 * connections.
 */
class LoopPoolTest {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoop loop = group.next();
    /** The server side of every connection the listener accepted. */
    private final List<Channel> accepted = new CopyOnWriteArrayList<>();
    private Channel listener;
    private UpstreamConnections pool;

    @BeforeEach
    void listen() throws InterruptedException {
        listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new Accepted())
                .bind("127.0.0.1", 0).sync().channel();
    }

    /** Records each accepted connection; nothing is ever read or written. */
    @ChannelHandler.Sharable
    private final class Accepted extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            accepted.add(ctx.channel());
        }
    }

    @AfterEach
    void close() {
        if (pool != null) {
            pool.close();
        }
        listener.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** A pool on one loop with room for {@code maxConnections}, {@code minIdle} warm, {@code maxPending} waiting. */
    private UpstreamConnections pool(int maxConnections, int minIdle, int maxPending, Duration acquireTimeoutHalf) {
        int port = ((InetSocketAddress) listener.localAddress()).getPort();
        pool = new UpstreamConnections(UpstreamTarget.of("api", URI.create("http://127.0.0.1:" + port)),
                new UpstreamSettings(acquireTimeoutHalf, acquireTimeoutHalf, maxConnections, minIdle, 1000, maxPending),
                null, null, NioSocketChannel.class, DefaultAddressResolverGroup.INSTANCE);
        pool.start(group);
        return pool;
    }

    private Channel acquire() {
        return pool.acquire(loop).syncUninterruptibly().getNow();
    }

    @Test
    void aReleasedConnectionIsHandedOutAgainMarkedAsHavingWaitedInThePool() {
        pool(4, 0, 10, Duration.ofSeconds(5));
        Channel first = acquire();
        assertThat(UpstreamConnections.waitedInPool(first)).as("fresh").isFalse();
        pool.release(first);

        Channel again = acquire();
        assertThat(again).isSameAs(first);
        assertThat(UpstreamConnections.waitedInPool(again)).isTrue();
        assertThat(accepted).hasSize(1);
    }

    @Test
    void theMostRecentlyReleasedIdleConnectionGoesFirst() {
        pool(4, 0, 10, Duration.ofSeconds(5));
        Channel a = acquire();
        Channel b = acquire();
        pool.release(a);
        pool.release(b);

        assertThat(acquire()).isSameAs(b);
        assertThat(acquire()).isSameAs(a);
    }

    @Test
    void atTheBoundAnAcquireWaitsForARelease() {
        pool(1, 0, 10, Duration.ofSeconds(5));
        Channel only = acquire();
        Future<Channel> waiting = pool.acquire(loop);
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !waiting.isDone());

        pool.release(only);

        assertThat(waiting.syncUninterruptibly().getNow()).isSameAs(only);
        assertThat(accepted).hasSize(1);
    }

    @Test
    void waitingIsBoundedInNumberAndInTime() {
        pool(1, 0, 1, Duration.ofMillis(150));
        acquire();
        Future<Channel> waits = pool.acquire(loop);
        Future<Channel> refused = pool.acquire(loop);

        assertThat(refused.awaitUninterruptibly().cause()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("too many requests waiting for a connection to upstream 'api'");
        assertThat(waits.awaitUninterruptibly(5, TimeUnit.SECONDS)).isTrue();
        assertThat(waits.cause()).isInstanceOf(TimeoutException.class).hasMessageContaining("within 300 ms");
    }

    // With AUTO_READ off an idle connection learns of the upstream's close only when used (the
    // exchange then resends once); these close the proxy's side, as a failed read or write does.

    @Test
    void aConnectionClosedWhileIdleIsNotHandedOut() {
        pool(1, 0, 10, Duration.ofSeconds(5));
        Channel first = acquire();
        pool.release(first);
        first.close().syncUninterruptibly();

        Channel next = acquire();
        assertThat(next).isNotSameAs(first);
        assertThat(next.isActive()).isTrue();
        assertThat(accepted).hasSize(2);
    }

    @Test
    void aConnectionReturnedClosedFreesItsPlaceForTheNextInLine() {
        pool(1, 0, 10, Duration.ofSeconds(5));
        Channel broken = acquire();
        Future<Channel> waiting = pool.acquire(loop);

        broken.close().syncUninterruptibly();
        pool.release(broken);
        pool.release(broken); // a discard after a failed write releases again: counted once

        Channel fresh = waiting.syncUninterruptibly().getNow();
        assertThat(fresh).isNotSameAs(broken);
        assertThat(fresh.isActive()).isTrue();
        Future<Channel> beyondTheBound = pool.acquire(loop);
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !beyondTheBound.isDone());
    }

    @Test
    void warmConnectionsAreOpenedAtStartAndReopenedWhenOneCloses() {
        pool(4, 2, 10, Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(5)).until(() -> accepted.size() == 2);

        Channel warm = acquire();
        pool.release(warm);
        warm.close().syncUninterruptibly();

        await().atMost(Duration.ofSeconds(5)).until(() -> accepted.size() == 3);
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> accepted.size() == 3);
        Channel another = acquire();
        assertThat(UpstreamConnections.waitedInPool(another)).as("it waited idle").isTrue();
        assertThat(accepted).hasSize(3);
    }
}
