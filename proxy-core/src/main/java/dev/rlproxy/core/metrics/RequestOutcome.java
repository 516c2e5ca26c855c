package dev.rlproxy.core.metrics;

/**
 * One finished client request, as metrics and the access log see it.
 *
 * @param startMillis      wall-clock time the request arrived, epoch milliseconds
 * @param upstream         upstream name, or empty when no route matched
 * @param route            the matched route (its path prefix or host), or empty
 * @param path             request path without the query string (queries may carry secrets)
 * @param status           status sent to the client; {@link #CLIENT_CLOSED} when the client left first,
 *                         0 when the proxy closed the connection without an answer
 * @param proxyReason      the proxy's own error code (e.g. {@code rate_limited}) when the proxy answered,
 *                         {@code null} when the upstream's answer was relayed
 * @param queueWaitNanos   time spent waiting for a token and tickets
 * @param upstreamNanos    from sending to the upstream until its response head, or -1 when never answered
 * @param bytesIn          request body bytes received from the client
 * @param bytesOut         response body bytes sent to the client
 * @param tokenFingerprint fingerprint of the pooled token used, or {@code null}
 * @param retries          times the request was sent again with another token
 */
public record RequestOutcome(long startMillis, String upstream, String route, String method, String path,
                             int status, String proxyReason, long queueWaitNanos, long upstreamNanos,
                             long bytesIn, long bytesOut, String tokenFingerprint, int retries) {

    /** Status logged when the client disconnected before an answer (nginx's convention). */
    public static final int CLIENT_CLOSED = 499;

    public boolean answeredByProxy() {
        return proxyReason != null;
    }

    /** {@code 2xx}, {@code 4xx}…, for metric labels; {@code none} when the connection closed without an answer. */
    public String statusClass() {
        return status < 100 ? "none" : (status / 100) + "xx";
    }
}
