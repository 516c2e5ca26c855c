package dev.rlproxy.core.config;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code store.redis.uri} taken apart: which client form it asks for, where the nodes are, and the
 * credentials. Pure text parsing (no DNS, no connection), so {@code validate} checks it offline.
 *
 * <pre>
 * redis://[user:password@]host[:6379][/db]                      one server
 * rediss://[user:password@]host[:6379][/db]                     one server over TLS
 * redis-sentinel://[user:password@]h1[:26379],h2/master[/db]   Sentinel (rediss-sentinel:// for TLS)
 * redis-cluster://[user:password@]h1[:6379],h2,h3              Cluster seed nodes (rediss-cluster:// for TLS)
 * </pre>
 * User and password may be percent-encoded. With Sentinel they are the data nodes' credentials;
 * the sentinels' own, if they have any, are {@link RedisSentinelConfig}'s.
 *
 * @param user     ACL user, or {@code null} for the default user
 * @param password {@code null} for none; never shown by {@link #toString()}
 * @param database the database number (always 0 for a cluster)
 * @param master   the Sentinel master name, {@code null} for the other forms
 */
public record RedisUri(Form form, boolean tls, List<HostPort> nodes, String user, String password, int database,
                       String master) {

    /** The client forms. */
    public enum Form {
        STANDALONE(6379), SENTINEL(26379), CLUSTER(6379);

        final int defaultPort;

        Form(int defaultPort) {
            this.defaultPort = defaultPort;
        }
    }

    static final String SCHEMES = "redis://, rediss://, redis-sentinel://, rediss-sentinel://, "
            + "redis-cluster:// or rediss-cluster://";

    public RedisUri {
        nodes = List.copyOf(nodes);
    }

    /**
     * @throws IllegalArgumentException naming what is wrong, never the password
     */
    public static RedisUri parse(String uri) {
        int schemeEnd = uri.indexOf("://");
        String scheme = schemeEnd < 0 ? "" : uri.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        boolean tls = scheme.startsWith("rediss");
        Form form = switch (scheme) {
            case "redis", "rediss" -> Form.STANDALONE;
            case "redis-sentinel", "rediss-sentinel" -> Form.SENTINEL;
            case "redis-cluster", "rediss-cluster" -> Form.CLUSTER;
            default -> throw new IllegalArgumentException("must start with " + SCHEMES + " and name a host");
        };
        String rest = uri.substring(schemeEnd + 3);
        if (rest.contains("?") || rest.contains("#")) {
            throw new IllegalArgumentException("takes no query or fragment; the other store.redis keys set timeouts");
        }
        int at = rest.lastIndexOf('@');
        String userInfo = at < 0 ? null : rest.substring(0, at);
        rest = rest.substring(at + 1);
        int slash = rest.indexOf('/');
        String hosts = slash < 0 ? rest : rest.substring(0, slash);
        List<String> path = slash < 0 ? List.of() : List.of(rest.substring(slash + 1).split("/", -1));

        String user = null;
        String password = null;
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("write the credentials as user:password@ or :password@");
            }
            user = colon == 0 ? null : decode(userInfo.substring(0, colon));
            password = decode(userInfo.substring(colon + 1));
            password = password.isEmpty() ? null : password;
        }
        List<HostPort> nodes = nodes(hosts, form);
        String master = null;
        String database = null;
        switch (form) {
            case STANDALONE -> {
                if (nodes.size() != 1) {
                    throw new IllegalArgumentException("names one host; use redis-cluster:// or redis-sentinel:// for several");
                }
                if (path.size() > 1) {
                    throw new IllegalArgumentException("the path is only a database number, like /0");
                }
                database = path.isEmpty() || path.get(0).isEmpty() ? null : path.get(0);
            }
            case SENTINEL -> {
                if (path.isEmpty() || path.get(0).isBlank() || path.size() > 2) {
                    throw new IllegalArgumentException("names the master after the sentinels: "
                            + "redis-sentinel://h1:26379,h2:26379/mymaster[/db]");
                }
                master = path.get(0);
                database = path.size() == 2 && !path.get(1).isEmpty() ? path.get(1) : null;
            }
            case CLUSTER -> {
                if (!path.isEmpty() && !(path.size() == 1 && path.get(0).isEmpty())) {
                    throw new IllegalArgumentException("takes no path: a cluster has database 0 only");
                }
            }
        }
        return new RedisUri(form, tls, nodes, user, password, database(database), master);
    }

    private static List<HostPort> nodes(String hosts, Form form) {
        if (hosts.isBlank()) {
            throw new IllegalArgumentException("must start with " + SCHEMES + " and name a host");
        }
        List<HostPort> nodes = new ArrayList<>();
        for (String node : hosts.split(",", -1)) {
            boolean hasPort = node.startsWith("[") ? node.contains("]:") : node.contains(":");
            try {
                nodes.add(HostPort.parse(hasPort ? node : node + ":" + form.defaultPort));
            } catch (InvalidConfigException e) {
                throw new IllegalArgumentException("host '" + Quoting.shorten(node) + "' is not host[:port]");
            }
            if (nodes.get(nodes.size() - 1).port() == 0) {
                throw new IllegalArgumentException("host '" + Quoting.shorten(node) + "' needs a port other than 0");
            }
        }
        return nodes;
    }

    private static int database(String text) {
        if (text == null) {
            return 0;
        }
        if (!text.matches("\\d{1,5}")) {
            throw new IllegalArgumentException("the database must be a number like /0, was '" + Quoting.shorten(text) + "'");
        }
        return Integer.parseInt(text);
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) { // its message would quote the credentials
            throw new IllegalArgumentException("the user or password has a malformed %-escape");
        }
    }

    @Override
    public String toString() {
        return "RedisUri[" + form + (tls ? " tls" : "") + " " + nodes + (user == null ? "" : " user " + user)
                + (password == null ? "" : " password ***") + (master == null ? "" : " master " + master)
                + " db " + database + "]";
    }
}
