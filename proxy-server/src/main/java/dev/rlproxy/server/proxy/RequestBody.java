package dev.rlproxy.server.proxy;

import dev.rlproxy.core.usage.UsageTap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;

import java.util.ArrayDeque;

/**
 * A request body on its way through the proxy, in one of three shapes:
 * <ul>
 *   <li>{@code NONE} — no body;</li>
 *   <li>{@code BUFFERED} — small enough ({@code Content-Length} ≤ the replay buffer) to hold whole, so
 *       a throttled request can be sent again with another token;</li>
 *   <li>{@code STREAMED} — forwarded chunk by chunk once an upstream connection is ready, reading
 *       the client only after each chunk is written upstream (backpressure; bounded heap).</li>
 * </ul>
 * Lives on the client connection's event loop.
 */
final class RequestBody {

    enum Mode { NONE, BUFFERED, STREAMED }

    private final Mode mode;
    private final boolean chunked;
    private final long maxBytes;
    private final ChannelHandlerContext client;
    private final CompositeByteBuf buffered;
    /** Streamed parts that arrived before the upstream connection; made on first use (streamed bodies only). */
    private ArrayDeque<HttpContent> waitingForUpstream;
    private ProxyExchange exchange;
    private Channel upstream;
    private UsageTap sentBytes = UsageTap.NONE;
    private long receivedBytes;
    private boolean received;
    private boolean sent;
    private boolean rejected;

    RequestBody(Mode mode, boolean chunked, long maxBytes, ChannelHandlerContext client) {
        this.mode = mode;
        this.chunked = chunked;
        this.maxBytes = maxBytes;
        this.client = client;
        this.buffered = mode == Mode.BUFFERED ? client.alloc().compositeBuffer(Integer.MAX_VALUE) : null;
        this.sent = mode != Mode.STREAMED;
    }

    void attach(ProxyExchange exchange) {
        this.exchange = exchange;
    }

    boolean mustArriveBeforeSending() {
        return mode == Mode.BUFFERED;
    }

    boolean isReplayable() {
        return mode != Mode.STREAMED;
    }

    boolean isStreamed() {
        return mode == Mode.STREAMED;
    }

    boolean isChunked() {
        return mode == Mode.STREAMED && chunked;
    }

    boolean fullyReceived() {
        return received;
    }

    boolean fullySent() {
        return sent;
    }

    /** A part of the body arrived from the client; ownership passes here. */
    void onContent(HttpContent content) {
        if (received) {
            content.release();
            return;
        }
        boolean last = content instanceof LastHttpContent;
        receivedBytes += content.content().readableBytes();
        if (content.decoderResult().isFailure()) {
            // A broken chunked body ("3\r\nhello", a bad size line): the decoder ends it with a failed
            // last part, which must never reach the upstream as the end of a shorter, complete body.
            content.release();
            reject(ProxyError.badRequest("malformed chunked request body"));
            return;
        }
        if (receivedBytes > maxBytes) {
            content.release();
            reject(ProxyError.bodyTooLarge(maxBytes));
            return;
        }
        received = last;
        switch (mode) {
            case NONE -> content.release();
            case BUFFERED -> {
                buffered.addComponent(true, content.content());
                if (last) {
                    exchange.bodyComplete();
                } else {
                    client.read();
                }
            }
            case STREAMED -> {
                if (upstream == null) {
                    if (waitingForUpstream == null) {
                        waitingForUpstream = new ArrayDeque<>();
                    }
                    waitingForUpstream.add(content);
                } else {
                    writeUpstream(content, true);
                }
            }
        }
    }

    /** The body will not be forwarded complete: the exchange aborts and answers {@code error}. */
    void reject(ProxyError error) {
        received = true;
        rejected = true;
        exchange.bodyRejected(error);
    }

    /** The body was refused (malformed, too large, too slow): the connection cannot be reused. */
    boolean wasRejected() {
        return rejected;
    }

    /** A retained view of a buffered body for one attempt; {@code null} when there is none to hold. */
    ByteBuf replayableCopy() {
        return mode == Mode.BUFFERED ? buffered.retainedDuplicate() : null;
    }

    /**
     * The upstream connection is ready: send what waited, then keep streaming as the client sends,
     * counting each part into {@code sentBytes} once the upstream connection took it.
     */
    void streamTo(Channel upstream, UsageTap sentBytes) {
        if (mode != Mode.STREAMED) {
            return;
        }
        this.upstream = upstream;
        this.sentBytes = sentBytes;
        if (waitingForUpstream == null || waitingForUpstream.isEmpty()) {
            if (!received) {
                client.read();
            }
            return;
        }
        while (!waitingForUpstream.isEmpty()) {
            HttpContent content = waitingForUpstream.poll();
            writeUpstream(content, waitingForUpstream.isEmpty());
        }
    }

    private void writeUpstream(HttpContent content, boolean thenReadClient) {
        boolean last = content instanceof LastHttpContent;
        HttpContent toSend = last ? content : new DefaultHttpContent(content.content());
        int bytes = content.content().readableBytes();
        upstream.writeAndFlush(toSend).addListener(f -> {
            if (!f.isSuccess()) {
                return; // the upstream relay reports the broken connection to the exchange
            }
            sentBytes.add(bytes);
            if (last) {
                sent = true;
            }
            exchange.requestProgress();
            if (!last && thenReadClient && !received) {
                client.read();
            }
        });
    }

    /** Frees whatever is still held. Safe to call more than once. */
    void discard() {
        if (buffered != null && buffered.refCnt() > 0) {
            buffered.release();
        }
        HttpContent content;
        while (waitingForUpstream != null && (content = waitingForUpstream.poll()) != null) {
            content.release();
        }
    }

    /** Body bytes received from the client so far. */
    long receivedBytes() {
        return receivedBytes;
    }
}
