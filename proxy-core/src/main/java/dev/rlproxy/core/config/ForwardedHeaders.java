package dev.rlproxy.core.config;

/**
 * Which forwarding headers the proxy adds to requests for one upstream: none (the default: the
 * proxy mostly talks to third parties, which have no business knowing internal client addresses),
 * {@code X-Forwarded-For/-Host/-Proto}, or RFC 7239 {@code Forwarded}.
 */
public enum ForwardedHeaders {
    NONE, X_FORWARDED, FORWARDED
}
