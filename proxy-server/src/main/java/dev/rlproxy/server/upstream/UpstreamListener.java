package dev.rlproxy.server.upstream;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;

/** Receives what one upstream connection says while it serves one exchange. */
public interface UpstreamListener {

    void onResponse(HttpResponse response);

    /** Ownership of {@code content} passes to the listener, which must release it. */
    void onContent(HttpContent content);

    /**
     * Everything one read from the connection delivered has been handed over: the moment to flush
     * what was relayed, so a small response (head and body in one read) leaves in one write.
     */
    void onReadComplete();

    /** The connection failed or closed before the exchange finished. */
    void onUpstreamFailure(Throwable cause);
}
