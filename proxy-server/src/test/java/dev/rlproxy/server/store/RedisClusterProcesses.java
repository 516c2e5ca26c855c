package dev.rlproxy.server.store;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import redis.clients.jedis.Jedis;

/**
 * A Redis Cluster of real {@code redis-server} processes for tests: each node gets an equal share
 * of the 16384 slots, the nodes are introduced to each other, and {@link #start} returns once every
 * node reports {@code cluster_state:ok}. No replicas: a test that kills a node loses its slots.
 * With TLS, clients and the cluster bus use the nodes' TLS ports; this fixture still forms and
 * inspects the cluster over their plain ports.
 */
public final class RedisClusterProcesses implements AutoCloseable {

    private static final int SLOTS = 16384;

    private static final List<String> CLUSTER_ARGS = List.of("--cluster-enabled", "yes",
            "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000");

    private final List<RedisServerProcess> nodes;
    private final boolean tls;

    private RedisClusterProcesses(List<RedisServerProcess> nodes, boolean tls) {
        this.nodes = List.copyOf(nodes);
        this.tls = tls;
    }

    public static RedisClusterProcesses start(int size) throws IOException {
        return start(size, null);
    }

    /** With {@code tls}: every node and the cluster bus speak TLS (no client certificates asked). */
    public static RedisClusterProcesses start(int size, RedisServerProcess.Tls tls) throws IOException {
        List<RedisServerProcess> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < size; i++) {
                if (tls == null) {
                    nodes.add(RedisServerProcess.withArgs(CLUSTER_ARGS));
                } else {
                    List<String> args = new ArrayList<>(CLUSTER_ARGS);
                    args.addAll(List.of("--tls-cluster", "yes", "--tls-replication", "yes",
                            "--tls-auth-clients", "no"));
                    nodes.add(RedisServerProcess.withTls(tls, args));
                }
            }
            form(nodes, tls != null);
            return new RedisClusterProcesses(nodes, tls != null);
        } catch (IOException | RuntimeException e) {
            nodes.forEach(RedisServerProcess::close);
            throw e;
        }
    }

    public List<RedisServerProcess> nodes() {
        return nodes;
    }

    /** {@code redis-cluster://} (with TLS {@code rediss-cluster://}) naming every node as a seed. */
    public String uri() {
        return nodes.stream().map(n -> n.host() + ":" + (tls ? n.tlsPort() : n.port()))
                .collect(Collectors.joining(",", tls ? "rediss-cluster://" : "redis-cluster://", ""));
    }

    /** The port of the node holding {@code key}, asked directly (no redirects). */
    public int owner(String key) {
        for (RedisServerProcess n : nodes) {
            try (Jedis node = new Jedis(n.host(), n.port())) {
                int slot = (int) node.clusterKeySlot(key);
                if (node.clusterCountKeysInSlot(slot) > 0) {
                    return n.port();
                }
            }
        }
        throw new AssertionError("no node holds " + key);
    }

    /** The keys each node holds, by port. */
    public List<Long> keysPerNode() {
        List<Long> counts = new ArrayList<>();
        for (RedisServerProcess n : nodes) {
            try (Jedis node = new Jedis(n.host(), n.port())) {
                counts.add(node.dbSize());
            }
        }
        return counts;
    }

    @Override
    public void close() {
        nodes.forEach(RedisServerProcess::close);
    }

    /** Gives each node its share of the slots, introduces them, and waits until all say cluster_state:ok. */
    private static void form(List<RedisServerProcess> nodes, boolean tls) {
        int per = SLOTS / nodes.size();
        for (int i = 0; i < nodes.size(); i++) {
            int first = i * per;
            int last = i == nodes.size() - 1 ? SLOTS - 1 : first + per - 1;
            try (Jedis node = new Jedis(nodes.get(i).host(), nodes.get(i).port())) {
                node.clusterAddSlotsRange(first, last);
                if (i > 0) {
                    RedisServerProcess seed = nodes.get(0); // its bus listens at its client port + 10000
                    node.clusterMeet(seed.host(), tls ? seed.tlsPort() : seed.port());
                }
            }
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> nodes.stream()
                .allMatch(n -> {
                    try (Jedis node = new Jedis(n.host(), n.port())) {
                        return node.clusterInfo().contains("cluster_state:ok")
                                && node.clusterNodes().lines().count() == nodes.size();
                    }
                }));
    }
}
