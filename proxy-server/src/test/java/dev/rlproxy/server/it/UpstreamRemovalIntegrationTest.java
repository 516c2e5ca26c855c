package dev.rlproxy.server.it;

import dev.rlproxy.core.config.ConfigLoader;
import dev.rlproxy.server.simulator.SimulatorSpec;
import dev.rlproxy.server.simulator.UpstreamSimulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A reload that removes an upstream: its route goes at once, the request already in flight to it
 * finishes, and only then are its connections and token pool closed. Keys that only a restart can
 * apply are named in the answer and everything else still applies.
 */
class UpstreamRemovalIntegrationTest {

    /** Both versions name the same usage state file, as two versions of one file do by default. */
    private static String config(String apiUrl, String slowUrl, boolean withSlow, String serverExtra, Path dir) {
        String slow = withSlow ? """
                  slow:
                    url: "%s"
                    dialect: github
                    tokens:
                      static: ["tok-slow"]
                """.formatted(slowUrl) : "";
        return """
                server: { listen: "127.0.0.1:0"%s }
                usage: { stateFile: "%s" }
                upstreams:
                  api:
                    url: "%s"
                    dialect: github
                    tokens:
                      static: ["tok-api"]
                %sroutes:
                  - match: { pathPrefix: "/api/" }
                    upstream: api
                %s""".formatted(serverExtra, dir.resolve("usage.state"), apiUrl, slow,
                withSlow ? "  - match: { pathPrefix: \"/slow/\" }\n    upstream: slow\n" : "");
    }

    @Test
    void removedUpstreamLosesItsRouteAtOnceAndClosesAfterItsLastRequest(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("proxy.yaml");
        try (UpstreamSimulator api = UpstreamSimulator.start(SimulatorSpec.github(1000, Duration.ofHours(1)));
             UpstreamSimulator slowUpstream = UpstreamSimulator.start(SimulatorSpec.github(1000, Duration.ofHours(1))
                     .withLatency(Duration.ofSeconds(3)));
             RunningProxy proxy = RunningProxy.start(config(api.baseUrl(), slowUpstream.baseUrl(), true, "", dir));
             CapturedLogs logs = new CapturedLogs()) {
            CompletableFuture<HttpResponse<String>> inFlight = proxy.client.sendAsync(
                    HttpRequest.newBuilder(URI.create(proxy.url("/slow/long"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            await().atMost(Duration.ofSeconds(10)).until(() -> slowUpstream.requestsSeen() >= 1);

            Files.writeString(file, config(api.baseUrl(), slowUpstream.baseUrl(), false, ", maxConnections: 500", dir));
            List<String> notApplied = proxy.app.reload(ConfigLoader.load(file, Map.of()));

            assertThat(notApplied).containsExactly("server.maxConnections");
            assertThat(proxy.get("/slow/again").statusCode()).as("the route went with the reload").isEqualTo(404);
            assertThat(proxy.get("/api/x").statusCode()).isEqualTo(200);
            assertThat(proxy.app.upstreams()).containsOnlyKeys("api");
            assertThat(inFlight).as("the request sent before the reload is still running").isNotDone();
            assertThat(logs.lines()).noneMatch(line -> line.contains("closed connections to upstream 'slow'"));

            assertThat(inFlight.join().statusCode()).isEqualTo(200);
            for (String closed : List.of("closed connections to upstream 'slow'", "closed token pool of upstream 'slow'")) {
                await().atMost(Duration.ofSeconds(10)).until(() -> logs.lines().stream()
                        .anyMatch(line -> line.contains(closed)));
            }
            assertThat(slowUpstream.requestsSeen()).isEqualTo(1);
        }
    }
}
