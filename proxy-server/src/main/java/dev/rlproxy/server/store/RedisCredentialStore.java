package dev.rlproxy.server.store;

import dev.rlproxy.core.tokens.CredentialStore;
import dev.rlproxy.core.tokens.GeneratedCredential;
import dev.rlproxy.core.tokens.Secret;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import redis.clients.jedis.params.SetParams;

/**
 * Generated tokens in Redis, shared by every replica. Per credential two keys in one hash slot
 * (the name is the hash tag, so a cluster keeps them together):
 * {@code rlproxy:credential:{NAME}} holds {@code EXPIRES_AT_MILLIS:TOKEN} with a TTL just under the
 * token's lifetime, and {@code rlproxy:credential:{NAME}:lock} the fetching replica's id
 * ({@code SET NX PX}). The value is the token itself: Redis must be protected (password, TLS,
 * a private network) like the tokens are. Nothing here logs it.
 */
public final class RedisCredentialStore implements CredentialStore {

    static final String PREFIX = "rlproxy:credential:";
    private static final RedisScript UNLOCK = RedisScript.fromResource("credential-unlock");

    private final RedisGateway redis;

    public RedisCredentialStore(RedisGateway redis) {
        this.redis = redis;
    }

    @Override
    public CompletableFuture<Optional<GeneratedCredential>> read(String name) {
        return redis.call("credential read", j -> j.get(key(name))).thenApply(RedisCredentialStore::decode);
    }

    @Override
    public CompletableFuture<Boolean> tryLock(String name, String owner, Duration hold) {
        return redis.call("credential lock",
                j -> "OK".equals(j.set(lockKey(name), owner, SetParams.setParams().nx().px(hold.toMillis()))));
    }

    @Override
    public CompletableFuture<Void> write(String name, GeneratedCredential credential, Duration ttl) {
        String value = credential.expiresAt().toEpochMilli() + ":" + credential.token().value();
        return redis.call("credential write", j -> j.set(key(name), value, SetParams.setParams().px(ttl.toMillis())))
                .thenApply(ok -> null);
    }

    @Override
    public CompletableFuture<Void> unlock(String name, String owner) {
        return redis.eval(UNLOCK, List.of(lockKey(name)), List.of(owner)).thenApply(released -> null);
    }

    /** Braces would end the hash tag early: they are dropped from the name inside it. */
    static String key(String name) {
        return PREFIX + "{" + name.replace("{", "").replace("}", "") + "}";
    }

    static String lockKey(String name) {
        return key(name) + ":lock";
    }

    private static Optional<GeneratedCredential> decode(String value) {
        int colon = value == null ? -1 : value.indexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            return Optional.empty(); // absent (expired) or not ours: fetch a new one
        }
        try {
            Instant expiresAt = Instant.ofEpochMilli(Long.parseLong(value.substring(0, colon)));
            return Optional.of(new GeneratedCredential(Secret.of(value.substring(colon + 1)), expiresAt));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
