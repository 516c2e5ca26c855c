package dev.rlproxy.server;

/**
 * A configuration that passes validation cannot be used in this environment (e.g. an egress proxy
 * variable of the process that is not a usable URL): the proxy refuses to start, exit code 2.
 */
public final class UnsupportedConfigurationException extends RuntimeException {

    public UnsupportedConfigurationException(String message) {
        super(message);
    }
}
