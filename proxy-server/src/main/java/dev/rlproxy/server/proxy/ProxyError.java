package dev.rlproxy.server.proxy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.util.concurrent.TimeUnit;

/**
 * An answer the proxy gives itself (not relayed from an upstream): always JSON
 * {@code {"error": "...", "detail": "..."}} with {@code X-Proxy-Error: true} (the error table in the README).
 * Details never contain token values (callers pass fingerprints or nothing), internal addresses or
 * exception text.
 */
public record ProxyError(HttpResponseStatus status, String error, String detail, long retryAfterNanos) {

    public static final String PROXY_ERROR_HEADER = "X-Proxy-Error";
    /** The methods the proxy forwards (it refuses TRACE; CONNECT has no path to route). */
    static final String FORWARDED_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";

    public static ProxyError noRoute(String method, String path) {
        return new ProxyError(HttpResponseStatus.NOT_FOUND, "no_route",
                "no route matches " + method + " " + path, -1);
    }

    public static ProxyError bodyTooLarge(long limitBytes) {
        return new ProxyError(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "body_too_large",
                "request body exceeds server.maxRequestBody (" + limitBytes + " bytes)", -1);
    }

    public static ProxyError rateLimited(String detail, long retryAfterNanos) {
        return new ProxyError(HttpResponseStatus.TOO_MANY_REQUESTS, "rate_limited", detail, retryAfterNanos);
    }

    /** A quota of the upstream is spent until its period ends; {@code detail} names the quota. */
    public static ProxyError quotaExceeded(String detail, long retryAfterNanos) {
        return new ProxyError(HttpResponseStatus.TOO_MANY_REQUESTS, "quota_exceeded", detail, retryAfterNanos);
    }

    /**
     * A 502 that names the upstream and a stable reason, never the cause's text: that carries
     * internal addresses, errno text and class names. The caller logs the cause.
     */
    public static ProxyError upstreamUnreachable(String upstream, Throwable cause) {
        return new ProxyError(HttpResponseStatus.BAD_GATEWAY, "upstream_unreachable",
                "upstream '" + upstream + "': " + UpstreamFailures.reason(cause), -1);
    }

    public static ProxyError upstreamTimeout(String upstream, String detail) {
        return new ProxyError(HttpResponseStatus.GATEWAY_TIMEOUT, "upstream_timeout",
                "upstream '" + upstream + "': " + detail, -1);
    }

    public static ProxyError methodNotAllowed(String detail) {
        return new ProxyError(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed", detail, -1);
    }

    public static ProxyError requestTimeout(String detail) {
        return new ProxyError(HttpResponseStatus.REQUEST_TIMEOUT, "request_timeout", detail, -1);
    }

    public static ProxyError badRequest(String detail) {
        return new ProxyError(HttpResponseStatus.BAD_REQUEST, "bad_request", detail, -1);
    }

    public static ProxyError unavailable(String detail) {
        return new ProxyError(HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable", detail, -1);
    }

    /**
     * The store that shares rate limits between replicas cannot be asked and
     * {@code store.redis.onFailure} is {@code fail-closed}: no request goes out uncounted.
     */
    public static ProxyError storeUnavailable(long retryAfterNanos) {
        return new ProxyError(HttpResponseStatus.SERVICE_UNAVAILABLE, "store_unavailable",
                "the shared rate-limit store is unavailable (store.redis.onFailure: fail-closed); retry later",
                retryAfterNanos);
    }

    /** The proxy is shutting down: the request was still waiting for admission, or arrived during the drain. */
    public static ProxyError shuttingDown() {
        return new ProxyError(HttpResponseStatus.SERVICE_UNAVAILABLE, "shutting_down",
                "the proxy is shutting down; send the request again", -1);
    }

    /** The full response; {@code keepAlive} decides the Connection header. */
    public FullHttpResponse toResponse(ByteBufAllocator alloc, boolean keepAlive) {
        String json = "{\"error\":" + Json.quote(error) + ",\"detail\":" + Json.quote(detail) + "}";
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                ByteBufUtil.writeUtf8(alloc, json));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                .set(PROXY_ERROR_HEADER, "true");
        if (retryAfterNanos >= 0) {
            long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(retryAfterNanos + 999_999_999L));
            response.headers().set(HttpHeaderNames.RETRY_AFTER, seconds);
        }
        if (status.equals(HttpResponseStatus.METHOD_NOT_ALLOWED)) {
            response.headers().set(HttpHeaderNames.ALLOW, FORWARDED_METHODS);
        }
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return response;
    }
}
