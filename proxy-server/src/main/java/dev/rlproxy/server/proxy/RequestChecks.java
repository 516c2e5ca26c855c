package dev.rlproxy.server.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;

import java.util.List;

/**
 * Requests the proxy refuses before routing: malformed ones, request-smuggling shapes
 * (Content-Length together with Transfer-Encoding, conflicting Content-Lengths, a transfer coding
 * other than chunked), TRACE, and bodies announced larger than {@code server.maxRequestBody}.
 */
final class RequestChecks {

    private RequestChecks() {
    }

    /** The error to answer with, or {@code null} when the request may proceed. */
    static ProxyError reject(HttpRequest request, long maxBodyBytes) {
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            return ProxyError.badRequest("malformed request: " + (cause == null ? "unknown" : cause.getMessage()));
        }
        if (request.method().equals(HttpMethod.TRACE)) {
            // TRACE echoes the request back, credentials the proxy injected included.
            return ProxyError.methodNotAllowed("TRACE is not forwarded");
        }
        List<String> lengths = request.headers().getAll(HttpHeaderNames.CONTENT_LENGTH);
        List<String> codings = request.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (!lengths.isEmpty() && !codings.isEmpty()) {
            return ProxyError.badRequest("both Content-Length and Transfer-Encoding are present");
        }
        if (lengths.size() > 1 && lengths.stream().distinct().count() > 1) {
            return ProxyError.badRequest("conflicting Content-Length headers");
        }
        if (!codings.isEmpty() && !(codings.size() == 1 && codings.get(0).trim().equalsIgnoreCase("chunked"))) {
            return ProxyError.badRequest("unsupported Transfer-Encoding: only chunked is accepted");
        }
        if (request.uri().isEmpty() || request.uri().charAt(0) != '/') {
            return ProxyError.badRequest("request target must be an absolute path (this is not a forward proxy)");
        }
        long length = lengths.isEmpty() ? 0 : parseLength(lengths.get(0));
        if (length < 0) {
            return ProxyError.badRequest("invalid Content-Length");
        }
        if (length > maxBodyBytes) {
            return ProxyError.bodyTooLarge(maxBodyBytes);
        }
        return null;
    }

    private static long parseLength(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
