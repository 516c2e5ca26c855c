package dev.rlproxy.server.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps client connections, in total and per client IP address, on the listener: a connection over
 * a cap is closed the moment it is accepted, before it costs a pipeline or a timer. Without a cap,
 * idle connections exhaust the process's file descriptors and every new client hangs. Refusals
 * are logged at most once per {@link #LOG_INTERVAL_NANOS}, with a count, never once per connection.
 */
@ChannelHandler.Sharable
final class ConnectionCaps extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ConnectionCaps.class);
    static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final int maxTotal;
    private final int maxPerAddress;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> openPerAddress = new ConcurrentHashMap<>();
    /** Accepts run on the listener's event loop only: these two need no synchronisation. */
    private int refusedSinceReport;
    private boolean reportScheduled;

    ConnectionCaps(int maxTotal, int maxPerAddress) {
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
    }

    /**
     * {@code configured}, lowered to half the process's open-file limit when that is smaller: the
     * other half is for upstream connections, the listener and files.
     */
    static int effectiveMaxConnections(int configured) {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            long half = unix.getMaxFileDescriptorCount() / 2;
            return (int) Math.max(1, Math.min(configured, half));
        }
        return configured;
    }

    int open() {
        return open.get();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Channel child = (Channel) msg;
        InetAddress address = child.remoteAddress() instanceof InetSocketAddress remote ? remote.getAddress() : null;
        if (!admit(address)) {
            child.unsafe().closeForcibly(); // not registered yet: nothing else to undo
            logRefusal(ctx, address);
            return;
        }
        child.closeFuture().addListener(f -> release(address));
        ctx.fireChannelRead(child);
    }

    private boolean admit(InetAddress address) {
        if (open.incrementAndGet() > maxTotal) {
            open.decrementAndGet();
            return false;
        }
        if (address == null) {
            return true;
        }
        boolean[] admitted = {false};
        openPerAddress.compute(address, (a, count) -> {
            int current = count == null ? 0 : count;
            admitted[0] = current < maxPerAddress;
            return admitted[0] ? current + 1 : count;
        });
        if (!admitted[0]) {
            open.decrementAndGet();
        }
        return admitted[0];
    }

    private void release(InetAddress address) {
        open.decrementAndGet();
        if (address != null) {
            openPerAddress.computeIfPresent(address, (a, count) -> count <= 1 ? null : count - 1);
        }
    }

    /** The first refusal after a quiet spell is logged at once; later ones as a count per interval. */
    private void logRefusal(ChannelHandlerContext ctx, InetAddress address) {
        if (reportScheduled) {
            refusedSinceReport++;
            return;
        }
        reportScheduled = true;
        log.warn("refusing client connections at accept (this one from {}): {} open, caps server.maxConnections {} "
                        + "and server.maxConnectionsPerClient {}",
                address == null ? "unknown" : address.getHostAddress(), open.get(), maxTotal, maxPerAddress);
        ctx.executor().schedule(() -> report(ctx), LOG_INTERVAL_NANOS, TimeUnit.NANOSECONDS);
    }

    private void report(ChannelHandlerContext ctx) {
        if (refusedSinceReport == 0) {
            reportScheduled = false;
            return;
        }
        log.warn("refused {} more client connection(s) at accept in the last {} s: {} open", refusedSinceReport,
                TimeUnit.NANOSECONDS.toSeconds(LOG_INTERVAL_NANOS), open.get());
        refusedSinceReport = 0;
        ctx.executor().schedule(() -> report(ctx), LOG_INTERVAL_NANOS, TimeUnit.NANOSECONDS);
    }
}
