package dev.rlproxy.server.it;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;

/** Upstream host names go through the non-blocking DNS resolver, which reads /etc/hosts first. */
class UpstreamDnsIntegrationTest {

    @Test
    void localhostUpstreamIsResolvedAndReachedRepeatedly() throws Exception {
        HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/", exchange -> {
            byte[] ok = "ok".getBytes();
            exchange.sendResponseHeaders(200, ok.length);
            exchange.getResponseBody().write(ok);
            exchange.close();
        });
        upstream.start();
        try (RunningProxy proxy = RunningProxy.start("""
                server: { listen: "127.0.0.1:0" }
                upstreams:
                  api: { url: "http://localhost:%d" }
                routes:
                  - match: { pathPrefix: "/api/" }
                    upstream: api
                """.formatted(upstream.getAddress().getPort()))) {
            for (int i = 0; i < 3; i++) {
                assertThat(proxy.get("/api/x").body()).isEqualTo("ok");
            }
        } finally {
            upstream.stop(0);
        }
    }
}
