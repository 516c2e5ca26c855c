package dev.rlproxy.core.config;

/**
 * The credentials of the sentinels themselves ({@code store.redis.sentinel}), when they have a
 * password ({@code requirepass}) or ACL users of their own: the uri's user and password are the
 * data nodes'.
 *
 * @param user     ACL user on the sentinels, or {@code null} for the default user
 * @param password the sentinels' password; never shown by {@link #toString()}
 */
public record RedisSentinelConfig(String user, String password) {

    public RedisSentinelConfig {
        user = user == null || user.isBlank() ? null : user.strip();
        password = password == null || password.isEmpty() ? null : password;
        Violations v = new Violations();
        v.check(password != null, "password", "required: the sentinels' password (requirepass, or the ACL user's)");
        v.throwIfAny();
    }

    @Override
    public String toString() {
        return "RedisSentinelConfig[user=" + user + ", password=***]";
    }
}
