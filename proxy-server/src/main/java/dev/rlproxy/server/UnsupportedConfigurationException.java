package dev.rlproxy.server;

/** A valid configuration asks for something this build cannot do; the proxy refuses to start. */
public final class UnsupportedConfigurationException extends RuntimeException {

    public UnsupportedConfigurationException(String message) {
        super(message);
    }
}
