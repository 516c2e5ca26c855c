package dev.rlproxy.core.config;

/**
 * Whether a route attaches a token from the upstream's pool ({@code pool}) or forwards the
 * client's own credentials untouched ({@code passthrough}).
 */
public enum TokenMode {
    POOL, PASSTHROUGH
}
