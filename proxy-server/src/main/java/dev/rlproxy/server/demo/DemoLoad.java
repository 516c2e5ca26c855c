package dev.rlproxy.server.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * A bounded client load: {@code total} GET requests, at most {@code concurrency} at once, counting
 * what came back. Used by the demo; the same numbers feed its live progress line.
 */
final class DemoLoad {

    private final HttpClient client;
    private final int total;
    private final int concurrency;
    final AtomicLong sent = new AtomicLong();
    final AtomicLong completed = new AtomicLong();
    final AtomicLong ok = new AtomicLong();
    final AtomicLong proxy429 = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    final ConcurrentHashMap<Integer, AtomicLong> byStatus = new ConcurrentHashMap<>();

    DemoLoad(HttpClient client, int total, int concurrency) {
        this.client = client;
        this.total = total;
        this.concurrency = concurrency;
    }

    /** Sends every request; {@code requestFor(i)} builds the i-th. Completes when all have answered. */
    CompletableFuture<Void> run(IntFunction<HttpRequest> requestFor) {
        Semaphore slots = new Semaphore(concurrency);
        CompletableFuture<?>[] all = new CompletableFuture<?>[total];
        for (int i = 0; i < total; i++) {
            slots.acquireUninterruptibly();
            sent.incrementAndGet();
            all[i] = client.sendAsync(requestFor.apply(i), HttpResponse.BodyHandlers.discarding())
                    .whenComplete((response, error) -> {
                        slots.release();
                        completed.incrementAndGet();
                        if (error != null) {
                            failures.incrementAndGet();
                            return;
                        }
                        byStatus.computeIfAbsent(response.statusCode(), s -> new AtomicLong()).incrementAndGet();
                        if (response.statusCode() == 200) {
                            ok.incrementAndGet();
                        } else if (response.statusCode() == 429
                                && response.headers().firstValue("X-Proxy-Error").isPresent()) {
                            proxy429.incrementAndGet();
                        }
                    });
        }
        return CompletableFuture.allOf(all);
    }

    static HttpRequest get(String url, String authorization) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).GET();
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return builder.build();
    }
}
