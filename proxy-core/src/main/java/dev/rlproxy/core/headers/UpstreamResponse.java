package dev.rlproxy.core.headers;

/**
 * The parts of an upstream response a dialect may read.
 *
 * @param status  HTTP status code
 * @param headers response headers
 * @param body    the body as text when the server buffered it (only small rate-limit refusals,
 *                e.g. Discord's 429 JSON), otherwise {@code null}
 */
public record UpstreamResponse(int status, ResponseHeaders headers, String body) {

    public UpstreamResponse {
        if (headers == null) {
            throw new IllegalArgumentException("headers must not be null");
        }
    }

    public UpstreamResponse(int status, ResponseHeaders headers) {
        this(status, headers, null);
    }
}
