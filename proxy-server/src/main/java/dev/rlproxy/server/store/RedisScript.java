package dev.rlproxy.server.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * One Lua script kept as a resource under {@code /redis/}, called by {@code EVALSHA}. Redis may
 * have forgotten it (a restart, {@code SCRIPT FLUSH}, a failover to a replica): on {@code NOSCRIPT}
 * it is loaded with {@code SCRIPT LOAD} on the node that owns the first key and called again.
 */
public final class RedisScript {

    private final String name;
    private final String source;
    private final String sha;

    private RedisScript(String name, String source) {
        this.name = name;
        this.source = source;
        this.sha = sha1Hex(source);
    }

    /** Reads {@code /redis/NAME.lua} from the classpath. */
    public static RedisScript fromResource(String name) {
        String path = "/redis/" + name + ".lua";
        try (InputStream in = RedisScript.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing script resource " + path);
            }
            return new RedisScript(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read script resource " + path, e);
        }
    }

    public String name() {
        return name;
    }

    public String sha() {
        return sha;
    }

    /**
     * Runs the script on the node owning {@code keys} (all of one hash slot in a cluster). Blocking:
     * call it on the store's executor, never on an event loop.
     */
    public Object eval(UnifiedJedis jedis, List<String> keys, List<String> args) {
        try {
            return jedis.evalsha(sha, keys, args);
        } catch (JedisNoScriptException e) {
            jedis.scriptLoad(source, keys.isEmpty() ? name : keys.get(0));
            return jedis.evalsha(sha, keys, args);
        }
    }

    private static String sha1Hex(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every JDK", e);
        }
    }
}
