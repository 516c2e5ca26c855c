package dev.rlproxy.core.config;

/**
 * Who shares a quota: the whole upstream, or each pooled token (by fingerprint) on its own.
 * YAML spelling: {@code upstream | token}.
 */
public enum QuotaScope {
    UPSTREAM, TOKEN
}
