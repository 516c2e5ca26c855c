package dev.rlproxy.server.metrics;

import dev.rlproxy.core.config.ConfigLoader;
import dev.rlproxy.core.config.ProxyConfig;
import dev.rlproxy.core.limit.BucketRef;
import dev.rlproxy.core.limit.LimiterSettings;
import dev.rlproxy.core.limit.LocalRateLimiter;
import dev.rlproxy.core.time.ManualClock;
import dev.rlproxy.core.time.ManualScheduler;
import dev.rlproxy.core.limit.Ticket;
import dev.rlproxy.core.limit.TicketRequest;
import dev.rlproxy.server.proxy.QueueDepths;
import dev.rlproxy.server.proxy.Upstream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.awaitility.Awaitility.await;

/** Per-upstream series in the Prometheus text: in-flight caps summed over keys, margins, grant-to-write. */
class UpstreamGaugesTest {

    @TempDir
    Path dir;

    @Test
    void inFlightCapGaugesSumOverKeysAndPickTheBusiest() throws IOException {
        Path file = dir.resolve("proxy.yaml");
        Files.writeString(file, """
                upstreams:
                  api:
                    url: "http://127.0.0.1:9"
                    windowMargin: 40ms
                    buckets:
                      - { name: inflight, maxConcurrent: 3, scope: token }
                      - { name: rate, limit: 10, per: 1s }
                  other:
                    url: "http://127.0.0.1:9"
                routes:
                  - match: { pathPrefix: "/api/" }
                    upstream: api
                """, StandardCharsets.UTF_8);
        ProxyConfig config = ConfigLoader.load(file, Map.of());
        ManualClock clock = new ManualClock();
        LocalRateLimiter limiter = new LocalRateLimiter(clock, new ManualScheduler(clock),
                new LimiterSettings(100, Duration.ofMillis(500)));
        ProxyTelemetry telemetry = new ProxyTelemetry(clock);
        telemetry.configure(Map.of("/api/", "api"), Map.of(), config.upstreams(), limiter, new QueueDepths());
        List<Ticket> held = new ArrayList<>();
        String prefix = Upstream.bucketKeyPrefix("api", "inflight");
        for (String key : List.of("token=sha256:aaaa", "token=sha256:aaaa", "token=sha256:bbbb")) {
            held.add(limiter.acquire(new TicketRequest(List.of(BucketRef.inFlight(prefix + key, 3)), null, 1,
                    TimeUnit.SECONDS.toNanos(1))).join());
        }
        for (long millis : List.of(2L, 4L, 30L)) {
            telemetry.requestPath().grantToWrite("api", TimeUnit.MILLISECONDS.toNanos(millis));
        }

        String text = new String(telemetry.prometheus().scrape(), StandardCharsets.UTF_8);

        String cap = "{bucket=\"inflight\",upstream=\"api\"}";
        assertThat(value(text, "rlproxy_bucket_in_flight_requests" + cap)).isEqualTo(3);
        assertThat(value(text, "rlproxy_bucket_in_flight_busiest_key" + cap)).isEqualTo(2);
        assertThat(value(text, "rlproxy_bucket_in_flight_keys" + cap)).isEqualTo(2);
        assertThat(value(text, "rlproxy_bucket_max_concurrent" + cap)).isEqualTo(3);
        assertThat(text).doesNotContain("bucket=\"rate\"");
        assertThat(value(text, "rlproxy_window_margin_seconds{upstream=\"api\"}")).isEqualTo(0.04);
        assertThat(value(text, "rlproxy_window_margin_seconds{upstream=\"other\"}")).isEqualTo(0.1);
        assertThat(value(text, "rlproxy_grant_to_write_seconds_count{upstream=\"api\"}")).isEqualTo(3);
        assertThat(value(text, "rlproxy_grant_to_write_seconds{upstream=\"api\",quantile=\"0.999\"}")).isCloseTo(0.03, offset(1e-9));
        assertThat(value(text, "rlproxy_grant_to_write_seconds_count{upstream=\"other\"}"))
                .as("the series exists before the first request").isZero();
        assertThat(telemetry.totals("api").grantToWrite().writes()).isEqualTo(3);
        assertThat(telemetry.totals("api").grantToWrite().maxMs()).isEqualTo(30.0);
        assertThat(telemetry.windowMargin("api")).isEqualTo(Duration.ofMillis(40));

        held.forEach(Ticket::release);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(value(
                new String(telemetry.prometheus().scrape(), StandardCharsets.UTF_8),
                "rlproxy_bucket_in_flight_requests" + cap)).isZero());
    }

    private static double value(String exposition, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(exposition);
        assertThat(m.find()).as("series %s in%n%s", series, exposition).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
