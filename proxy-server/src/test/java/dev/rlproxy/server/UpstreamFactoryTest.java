package dev.rlproxy.server;

import dev.rlproxy.core.config.ConfigLoader;
import dev.rlproxy.core.config.ProxyConfig;
import dev.rlproxy.core.limit.BucketLimit;
import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import dev.rlproxy.server.proxy.Upstream;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class UpstreamFactoryTest {

    @Test
    void theWindowMarginWidensEveryConfiguredWindowOnce(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("proxy.yaml");
        Files.writeString(file, """
                upstreams:
                  near:
                    url: "http://127.0.0.1:9"
                    windowMargin: 20ms
                    buckets:
                      - { name: fast, limit: 10, per: 1s, burst: 2 }
                  default:
                    url: "http://127.0.0.1:9"
                    buckets:
                      - { name: slow, limit: 5, per: 1m }
                routes:
                  - match: { pathPrefix: "/near/" }
                    upstream: near
                  - match: { pathPrefix: "/default/" }
                    upstream: default
                """);
        ProxyConfig config = ConfigLoader.load(file, Map.of());
        ManualClock clock = new ManualClock();
        UpstreamFactory factory = new UpstreamFactory(clock, new ManualScheduler(clock), new ManualScheduler(clock),
                NioSocketChannel.class, io.netty.channel.socket.nio.NioDatagramChannel.class, false, 100, Map.of());

        Upstream near = factory.create(config.upstreams().get("near"));
        Upstream other = factory.create(config.upstreams().get("default"));
        try {
            assertThat(near.buckets().get(0).limit()).isEqualTo(new BucketLimit(10, Duration.ofMillis(1020), 2));
            assertThat(other.buckets().get(0).limit()).as("100 ms by default")
                    .isEqualTo(new BucketLimit(5, Duration.ofMillis(60_100), 5));
        } finally {
            near.connections().close();
            other.connections().close();
            factory.close();
        }
    }
}
