package dev.rlproxy.server.it;

import com.sun.net.httpserver.HttpServer;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** 64 MiB up and 64 MiB down through the proxy while its buffer memory stays small. */
class LargeBodyIntegrationTest {

    private static final long SIZE = 64L * 1024 * 1024;
    private static final long BOUND = 16L * 1024 * 1024;

    @Test
    void largeBodiesStreamBothWaysWithBoundedProxyMemory() throws Exception {
        HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.setExecutor(Executors.newFixedThreadPool(2));
        upstream.createContext("/upload", exchange -> {
            long n = 0;
            try (InputStream in = exchange.getRequestBody()) {
                byte[] buf = new byte[65536];
                for (int r; (r = in.read(buf)) > 0; ) {
                    n += r;
                }
            }
            byte[] answer = Long.toString(n).getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        upstream.createContext("/download", exchange -> {
            exchange.sendResponseHeaders(200, SIZE);
            try (OutputStream out = exchange.getResponseBody()) {
                byte[] chunk = new byte[65536];
                for (long sent = 0; sent < SIZE; sent += chunk.length) {
                    out.write(chunk);
                }
            }
        });
        upstream.start();
        ByteBufAllocatorMetric buffers = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();
        PeakMeter peak = new PeakMeter(() -> buffers.usedDirectMemory() + buffers.usedHeapMemory());
        try (RunningProxy proxy = RunningProxy.start("""
                server: { listen: "127.0.0.1:0", maxRequestBody: 100MiB }
                upstreams:
                  files: { url: "http://127.0.0.1:%d" }
                routes:
                  - match: { pathPrefix: "/files/" }
                    upstream: files
                """.formatted(upstream.getAddress().getPort()))) {

            HttpResponse<String> up = proxy.send(HttpRequest.newBuilder(URI.create(proxy.url("/files/upload")))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ZeroStream(SIZE))).build());
            HttpResponse<InputStream> down = proxy.client.send(
                    HttpRequest.newBuilder(URI.create(proxy.url("/files/download"))).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            long downloaded;
            try (InputStream in = down.body()) {
                downloaded = in.transferTo(OutputStream.nullOutputStream());
            }

            assertThat(up.statusCode()).isEqualTo(200);
            assertThat(up.body()).isEqualTo(Long.toString(SIZE));
            assertThat(down.statusCode()).isEqualTo(200);
            assertThat(downloaded).isEqualTo(SIZE);
            long peakBytes = peak.stop();
            assertThat(peakBytes).as("the meter saw the proxy's buffers at all").isPositive();
            assertThat(peakBytes).as("peak buffer memory of the proxy").isLessThan(BOUND);
        } finally {
            upstream.stop(0);
            ((java.util.concurrent.ExecutorService) upstream.getExecutor()).shutdownNow();
        }
    }

    /** Samples a gauge every few milliseconds and keeps the highest value. */
    private static final class PeakMeter {
        private final AtomicLong peak = new AtomicLong();
        private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();

        PeakMeter(Supplier<Long> gauge) {
            sampler.scheduleAtFixedRate(() -> peak.accumulateAndGet(gauge.get(), Math::max), 0, 5, TimeUnit.MILLISECONDS);
        }

        long stop() {
            sampler.shutdownNow();
            return peak.get();
        }
    }

    /** {@code size} zero bytes without holding them. */
    private static final class ZeroStream extends InputStream {
        private long left;

        ZeroStream(long size) {
            this.left = size;
        }

        @Override
        public int read() {
            return left-- > 0 ? 0 : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            java.util.Arrays.fill(b, off, off + n, (byte) 0);
            left -= n;
            return n;
        }
    }

}
