package dev.rlproxy.server.proxy;

import dev.rlproxy.server.tls.HostnameMismatchException;
import dev.rlproxy.server.tls.UntrustedCertificateException;
import dev.rlproxy.server.upstream.EgressProxyException;
import dev.rlproxy.server.upstream.MalformedResponseException;
import io.netty.handler.proxy.ProxyConnectException;
import io.netty.channel.ConnectTimeoutException;

import javax.net.ssl.SSLException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;

/**
 * Turns a failure talking to an upstream into what a client may see — a short, stable reason — and
 * gives each exchange a request id that ties the client's answer to the log line with the cause.
 */
final class UpstreamFailures {

    private UpstreamFailures() {
    }

    /** A stable, address-free reason for {@code cause}. */
    static String reason(Throwable cause) {
        // What the egress proxy and TLS failures wrap is looked for down the whole chain first.
        Throwable egress = find(cause, EgressProxyException.class);
        if (egress != null) {
            return "egress proxy: " + reason(egress.getCause());
        }
        if (find(cause, ProxyConnectException.class) != null) {
            return "CONNECT refused"; // the egress proxy answered the tunnel request with an error
        }
        if (find(cause, UntrustedCertificateException.class) != null) {
            return "TLS certificate not signed by a trusted CA";
        }
        if (find(cause, HostnameMismatchException.class) != null) {
            return "TLS certificate is not for the upstream's host name";
        }
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof MalformedResponseException) {
                return "invalid response";
            }
            if (t instanceof ConnectTimeoutException) {
                return "connect timed out";
            }
            if (t instanceof UnknownHostException) {
                return "host name did not resolve";
            }
            if (t instanceof ConnectException) {
                return "connection refused";
            }
            if (t instanceof SSLException) {
                return "TLS handshake failed";
            }
            if (t instanceof TimeoutException || t instanceof IllegalStateException) {
                return "no connection available"; // the pool's acquire timed out or its queue is full
            }
            if (t instanceof ClosedChannelException) {
                return "connection closed";
            }
        }
        return "connection closed or reset";
    }

    private static Throwable find(Throwable cause, Class<? extends Throwable> type) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return t;
            }
        }
        return null;
    }

    /** A short random id for one exchange (12 hex digits), for logs and the {@code X-Request-Id} header. */
    static String newRequestId() {
        // 12 hex digits, zero-padded: the leading 1 of bit 48 is cut off again.
        return Long.toHexString((ThreadLocalRandom.current().nextLong() & 0xffff_ffff_ffffL) | (1L << 48)).substring(1);
    }
}
