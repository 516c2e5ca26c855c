package dev.rlproxy.server.it;

import dev.rlproxy.server.simulator.SimulatorSpec;
import dev.rlproxy.server.simulator.UpstreamSimulator;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ClientDisconnectIntegrationTest {

    @Test
    void clientThatLeavesWhileQueuedIsWithdrawnAndNeverForwarded() throws Exception {
        try (UpstreamSimulator upstream = UpstreamSimulator.start(SimulatorSpec.none(1, Duration.ofMinutes(1)));
             RunningProxy proxy = RunningProxy.start("""
                     server: { listen: "127.0.0.1:0" }
                     queue: { maxWait: 5m }
                     upstreams:
                       api:
                         url: "%s"
                         buckets:
                           - { name: one-per-minute, limit: 1, per: 1m }
                     routes:
                       - match: { pathPrefix: "/api/" }
                         upstream: api
                     """.formatted(upstream.baseUrl()))) {

            assertThat(proxy.get("/api/first").statusCode()).isEqualTo(200);

            try (Socket queued = new Socket("127.0.0.1", proxy.app.port())) {
                OutputStream out = queued.getOutputStream();
                out.write("GET /api/second HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                await().atMost(Duration.ofSeconds(5)).until(() -> proxy.app.limiter().queueDepth() == 1);
            }

            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.app.limiter().queueDepth() == 0);
            assertThat(upstream.requestsSeen()).isEqualTo(1);
            assertThat(upstream.violations()).isZero();
        }
    }
}
