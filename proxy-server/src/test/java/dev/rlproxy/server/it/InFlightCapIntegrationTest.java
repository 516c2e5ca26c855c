package dev.rlproxy.server.it;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code maxConcurrent} through the real proxy: a request holds its slot until its response body has
 * been relayed (not just its head), the rest queue, and each finished body lets exactly one more in.
 */
class InFlightCapIntegrationTest {

    @Test
    void noMoreThanMaxConcurrentRequestsReachTheUpstreamUntilTheirBodiesEnd() throws Exception {
        AtomicInteger arrived = new AtomicInteger();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger mostInFlight = new AtomicInteger();
        Semaphore finishBody = new Semaphore(0);
        HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.setExecutor(Executors.newCachedThreadPool());
        upstream.createContext("/", exchange -> {
            arrived.incrementAndGet();
            mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try (OutputStream out = exchange.getResponseBody()) {
                exchange.sendResponseHeaders(200, 0); // chunked: the head goes out before the body ends
                out.write("first half,".getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (!finishBody.tryAcquire(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never let the body finish");
                }
                inFlight.decrementAndGet();
                out.write("second half".getBytes(StandardCharsets.UTF_8));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        upstream.start();
        try (RunningProxy proxy = RunningProxy.start("""
                server: { listen: "127.0.0.1:0" }
                queue: { maxWait: 30s }
                upstreams:
                  api:
                    url: "http://127.0.0.1:%d"
                    tokens: { static: ["${TOKEN}"] }
                    buckets:
                      - { name: inflight, maxConcurrent: 2, scope: token }
                routes:
                  - match: { pathPrefix: "/api/" }
                    upstream: api
                """.formatted(upstream.getAddress().getPort()), Map.of("TOKEN", "cap-token"))) {
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                answers.add(proxy.client.sendAsync(HttpRequest.newBuilder(URI.create(proxy.url("/api/x/" + i))).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> arrived.get() == 2 && proxy.app.waitingRequests() == 3);

            for (int released = 1; released <= 3; released++) {
                finishBody.release();
                int expected = 2 + released;
                await().atMost(Duration.ofSeconds(20)).until(() -> arrived.get() == expected);
                assertThat(proxy.app.waitingRequests()).isEqualTo(3 - released);
            }
            finishBody.release(2);
            for (CompletableFuture<HttpResponse<String>> answer : answers) {
                HttpResponse<String> response = answer.get(20, TimeUnit.SECONDS);
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).isEqualTo("first half,second half");
            }
            assertThat(mostInFlight.get()).isEqualTo(2);
            assertThat(arrived.get()).isEqualTo(5);
        } finally {
            upstream.stop(0);
        }
    }

    @Test
    void aClientThatDisconnectsMidBodyGivesItsSlotBack() throws Exception {
        Semaphore finishBody = new Semaphore(0);
        AtomicInteger arrived = new AtomicInteger();
        HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.setExecutor(Executors.newCachedThreadPool());
        upstream.createContext("/", exchange -> {
            int n = arrived.incrementAndGet();
            try (OutputStream out = exchange.getResponseBody()) {
                exchange.sendResponseHeaders(200, 0);
                out.write("part".getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (n == 1) {
                    finishBody.tryAcquire(30, TimeUnit.SECONDS); // the first body never ends on its own
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // the proxy dropped the connection when its client left: expected for the first
            }
        });
        upstream.start();
        try (RunningProxy proxy = RunningProxy.start("""
                server: { listen: "127.0.0.1:0" }
                queue: { maxWait: 30s }
                upstreams:
                  api:
                    url: "http://127.0.0.1:%d"
                    buckets:
                      - { name: inflight, maxConcurrent: 1 }
                routes:
                  - match: { pathPrefix: "/api/" }
                    upstream: api
                """.formatted(upstream.getAddress().getPort()))) {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", proxy.app.port())) {
                socket.getOutputStream().write("GET /api/slow HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                byte[] head = new byte[12];
                assertThat(socket.getInputStream().readNBytes(head, 0, head.length)).isEqualTo(12);
                assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
            } // the client leaves mid-body
            HttpResponse<String> next = proxy.get("/api/next");
            assertThat(next.statusCode()).isEqualTo(200);
            assertThat(next.body()).isEqualTo("part");
        } finally {
            finishBody.release();
            upstream.stop(0);
        }
    }
}
