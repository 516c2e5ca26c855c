package dev.rlproxy.server.it;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Shutdown with requests in every stage: those already sent upstream finish with the upstream's
 * answer, those still queued get the proxy's 503 {@code shutting_down} at once — every client gets
 * a response, none a dropped connection.
 */
class GracefulShutdownIntegrationTest {

    @Test
    void queuedRequestsGet503ShuttingDownAndInFlightOnesFinish() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger arrived = new AtomicInteger();
        ExecutorService upstreamThreads = Executors.newCachedThreadPool();
        HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        upstream.setExecutor(upstreamThreads);
        upstream.createContext("/", exchange -> {
            arrived.incrementAndGet();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = "done".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        upstream.start();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            RunningProxy proxy = RunningProxy.start("""
                    server: { listen: "127.0.0.1:0", drainTimeout: 30s }
                    queue: { maxWait: 60s }
                    upstreams:
                      slow:
                        url: "http://127.0.0.1:%d"
                        responseTimeout: 60s
                    routes:
                      - match: { pathPrefix: "/slow/" }
                        upstream: slow
                    """.formatted(upstream.getAddress().getPort()));
            // An upstream never heard from gets one request at a time until its first answer (which the
            // test holds back), so one request is in flight and the next five queue.
            List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
            for (int i = 0; i < 1; i++) {
                inFlight.add(CompletableFuture.supplyAsync(() -> proxy.get("/slow/x"), clients));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> arrived.get() == 1);
            List<CompletableFuture<HttpResponse<String>>> queued = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                queued.add(CompletableFuture.supplyAsync(() -> proxy.get("/slow/x"), clients));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> proxy.app.waitingRequests() == 5);

            CompletableFuture<Void> closing = CompletableFuture.runAsync(proxy::close);
            // Queued requests are answered while the one in flight still wait for the upstream.
            for (CompletableFuture<HttpResponse<String>> f : queued) {
                HttpResponse<String> response = f.get(10, TimeUnit.SECONDS);
                assertThat(response.statusCode()).isEqualTo(503);
                assertThat(response.headers().firstValue("X-Proxy-Error")).contains("true");
                assertThat(response.body()).contains("\"error\":\"shutting_down\"");
            }
            assertThat(closing).isNotDone();
            assertThat(inFlight).noneMatch(CompletableFuture::isDone);

            release.countDown();
            for (CompletableFuture<HttpResponse<String>> f : inFlight) {
                HttpResponse<String> response = f.get(10, TimeUnit.SECONDS);
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).isEqualTo("done");
            }
            closing.get(10, TimeUnit.SECONDS);
            assertThat(arrived.get()).as("queued requests never reached the upstream").isEqualTo(1);
        } finally {
            release.countDown();
            clients.shutdownNow();
            upstream.stop(0);
            upstreamThreads.shutdownNow();
        }
    }

    @Test
    void drainTimeoutIsValidated() {
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> RunningProxy.start("""
                server: { listen: "127.0.0.1:0", drainTimeout: 11m }
                upstreams:
                  a: { url: "http://127.0.0.1:9" }
                routes:
                  - match: { pathPrefix: "/a/" }
                    upstream: a
                """))).hasMessageContaining("server.drainTimeout: must be between 0s and 10m");
    }

}
