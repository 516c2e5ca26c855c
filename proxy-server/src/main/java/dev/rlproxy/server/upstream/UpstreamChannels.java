package dev.rlproxy.server.upstream;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;

/**
 * Where an exchange gets a connection to its upstream and gives it back: the upstream's
 * {@link UpstreamConnections} pool in the proxy; a test can hand out channels of its own.
 */
public interface UpstreamChannels {

    /** A connected, idle channel on {@code loop}, ready for a request; completes on that loop. */
    Future<Channel> acquire(EventLoop loop);

    /** Returns a channel after a complete exchange. */
    void release(Channel channel);

    /** Closes a channel that cannot be reused (mid-response failure, retry) and frees its slot. */
    void discard(Channel channel);
}
