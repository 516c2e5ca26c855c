package dev.rlproxy.server.proxy;

import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;

/**
 * Netty's request decoder, except that a request carrying both {@code Content-Length} and
 * {@code Transfer-Encoding} is marked invalid (answered 400) instead of quietly dropping the
 * length: the shape is the classic request-smuggling vector, and a proxy must not guess.
 */
final class StrictRequestDecoder extends HttpRequestDecoder {

    StrictRequestDecoder() {
        super(new HttpDecoderConfig().setAllowDuplicateContentLengths(false));
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        throw new IllegalArgumentException("both Content-Length and Transfer-Encoding are present");
    }
}
