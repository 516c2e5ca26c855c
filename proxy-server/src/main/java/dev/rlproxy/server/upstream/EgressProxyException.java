package dev.rlproxy.server.upstream;

import java.net.ConnectException;

/**
 * Connecting through the egress proxy failed: it could not be reached, or it refused the tunnel.
 * A {@link ConnectException}, so like any connect failure it is worth a fresh try. The message
 * names the proxy's address, never its credentials.
 */
public final class EgressProxyException extends ConnectException {

    public EgressProxyException(String proxyAddress, Throwable cause) {
        super("egress proxy " + proxyAddress + ": " + cause);
        initCause(cause);
    }
}
