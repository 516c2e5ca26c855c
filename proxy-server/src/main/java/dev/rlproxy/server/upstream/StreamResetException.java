package dev.rlproxy.server.upstream;

import io.netty.handler.codec.http2.Http2Error;

import java.io.IOException;

/**
 * The upstream ended one HTTP/2 stream before its response was complete: a {@code RST_STREAM}, or a
 * {@code GOAWAY} that left the stream out. An {@link IOException} like a reset HTTP/1.1 connection,
 * so the client gets the same answer.
 */
public final class StreamResetException extends IOException {

    private final boolean unprocessed;

    private StreamResetException(String message, boolean unprocessed) {
        super(message);
        this.unprocessed = unprocessed;
    }

    static StreamResetException reset(long errorCode) {
        Http2Error error = Http2Error.valueOf(errorCode);
        String name = error == null ? "error code " + errorCode : error.name();
        return new StreamResetException("upstream reset the HTTP/2 stream (" + name + ")",
                errorCode == Http2Error.REFUSED_STREAM.code());
    }

    static StreamResetException goingAway(int lastStreamId) {
        return new StreamResetException("upstream is closing the HTTP/2 connection (GOAWAY after stream "
                + lastStreamId + ")", true);
    }

    /**
     * Whether the upstream said it did not process the request ({@code REFUSED_STREAM}, or a stream
     * after a {@code GOAWAY}'s last stream id; RFC 9113 §8.7): such a request may be sent again.
     */
    public boolean unprocessed() {
        return unprocessed;
    }
}
