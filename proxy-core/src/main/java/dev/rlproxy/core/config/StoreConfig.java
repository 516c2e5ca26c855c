package dev.rlproxy.core.config;

/**
 * Where limiter, pool and quota state lives.
 *
 * @param type  {@code memory} (default, one replica) or {@code redis} (shared by replicas)
 * @param redis used when {@code type} is redis; defaults apply otherwise
 */
public record StoreConfig(StoreType type, RedisConfig redis) {

    public StoreConfig {
        type = type == null ? StoreType.MEMORY : type;
        redis = redis == null ? RedisConfig.defaults() : redis;
    }

    public static StoreConfig defaults() {
        return new StoreConfig(null, null);
    }
}
