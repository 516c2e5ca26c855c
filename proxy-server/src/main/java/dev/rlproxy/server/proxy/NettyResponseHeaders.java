package dev.rlproxy.server.proxy;

import dev.rlproxy.core.headers.ResponseHeaders;
import io.netty.handler.codec.http.HttpHeaders;

import java.util.List;

/** Netty's headers seen through the core's read-only, case-insensitive view. */
record NettyResponseHeaders(HttpHeaders headers) implements ResponseHeaders {

    @Override
    public List<String> getAll(String name) {
        return headers.getAll(name);
    }

    @Override
    public String get(String name) {
        return headers.get(name);
    }
}
