package dev.rlproxy.core.headers;

/**
 * The parts of an upstream response a dialect may read: the response head only (the proxy feeds
 * the limiter before it relays a single body byte).
 *
 * @param status  HTTP status code
 * @param headers response headers
 */
public record UpstreamResponse(int status, ResponseHeaders headers) {

    public UpstreamResponse {
        if (headers == null) {
            throw new IllegalArgumentException("headers must not be null");
        }
    }
}
