package dev.rlproxy.core.config;

/** Where shared limiter state lives. YAML spelling: {@code memory | redis}. */
public enum StoreType {
    MEMORY, REDIS
}
