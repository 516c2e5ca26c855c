package dev.rlproxy.core.config;

/**
 * How an upstream's {@code tls.caFile} combines with the JDK's default certificate authorities:
 * {@code add} trusts both (a private CA next to public ones), {@code replace} trusts only the file
 * (a pinned private CA: a certificate from a public CA is refused).
 */
public enum TrustMode {
    ADD, REPLACE
}
