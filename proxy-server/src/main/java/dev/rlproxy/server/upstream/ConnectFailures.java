package dev.rlproxy.server.upstream;

import io.netty.handler.proxy.HttpProxyHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;

/** Which failures to get a connection are worth one more try on a fresh connection. */
public final class ConnectFailures {

    private ConnectFailures() {
    }

    /**
     * Refused, reset or timed-out connects and TLS handshakes that timed out: a busy upstream (a
     * full accept backlog) or a lost packet, likely to work a moment later. Not a certificate that
     * does not verify, a host that does not resolve, an egress proxy that answered its CONNECT with
     * an error (407, 403...), or a pool that is full: those stay as they are.
     */
    public static boolean worthRetrying(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof HttpProxyHandler.HttpProxyConnectException) {
                return false;
            }
        }
        if (cause instanceof SslHandshakeTimeoutException || cause instanceof ConnectException) {
            return true;
        }
        return cause instanceof IOException && !(cause instanceof SSLException)
                && !(cause instanceof UnknownHostException);
    }
}
