package dev.rlproxy.server.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/** Sends {@code total} GETs with at most {@code concurrency} in flight; tallies statuses. */
final class ConcurrentLoad {

    final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    final AtomicInteger transportErrors = new AtomicInteger();
    final AtomicInteger proxyRefusals = new AtomicInteger();

    static ConcurrentLoad run(HttpClient client, String url, int total, int concurrency) {
        return run(client, url, total, concurrency, new String[0]);
    }

    /** As {@link #run(HttpClient, String, int, int)}, each request carrying {@code headers} (name, value, ...). */
    static ConcurrentLoad run(HttpClient client, String url, int total, int concurrency, String... headers) {
        ConcurrentLoad load = new ConcurrentLoad();
        Semaphore slots = new Semaphore(concurrency);
        CompletableFuture<?>[] all = new CompletableFuture<?>[total];
        for (int i = 0; i < total; i++) {
            slots.acquireUninterruptibly();
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url + i)).timeout(Duration.ofSeconds(60));
            if (headers.length > 0) {
                builder.headers(headers);
            }
            HttpRequest request = builder.build();
            all[i] = client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
                slots.release();
                if (error != null) {
                    load.transportErrors.incrementAndGet();
                    return;
                }
                load.statuses.computeIfAbsent(response.statusCode(), s -> new AtomicInteger()).incrementAndGet();
                if (response.headers().firstValue("X-Proxy-Error").isPresent()) {
                    load.proxyRefusals.incrementAndGet();
                }
            });
        }
        CompletableFuture.allOf(all).exceptionally(e -> null).join();
        return load;
    }

    int count(int status) {
        AtomicInteger n = statuses.get(status);
        return n == null ? 0 : n.get();
    }
}
