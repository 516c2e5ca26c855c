package dev.rlproxy.server.simulator;

import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;

import static dev.rlproxy.server.simulator.SimulatorClient.header;
import static org.assertj.core.api.Assertions.assertThat;

class OpenAiIetfAndPlainSimulatorTest extends ManualClockSimulatorTest {

    @Test
    void openAiReportsRequestsWithGoDurations() {
        start(SimulatorSpec.openai(3, Duration.ofMinutes(6)));
        HttpResponse<String> first = client.get("/v1/chat/completions", "sk-a");
        assertThat(header(first, "x-ratelimit-limit-requests")).isEqualTo("3");
        assertThat(header(first, "x-ratelimit-remaining-requests")).isEqualTo("2");
        assertThat(header(first, "x-ratelimit-reset-requests")).isEqualTo("6m0s");
        clock.advance(Duration.ofMillis(358_500));
        assertThat(header(client.get("/v1/chat/completions", "sk-a"), "x-ratelimit-reset-requests")).isEqualTo("1.5s");
        client.get("/v1/chat/completions", "sk-a");
        clock.advance(Duration.ofMillis(1_250));

        HttpResponse<String> refused = client.get("/v1/chat/completions", "sk-a");
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.body()).contains("\"code\":\"rate_limit_exceeded\"");
        assertThat(header(refused, "x-ratelimit-remaining-requests")).isEqualTo("0");
        assertThat(header(refused, "x-ratelimit-reset-requests")).isEqualTo("250ms");
        assertThat(simulator.violations()).isEqualTo(1);
        clock.advance(Duration.ofMillis(250));
        assertThat(client.get("/v1/chat/completions", "sk-a").statusCode()).isEqualTo(200);
    }

    @Test
    void ietfReportsPolicyAndRemainingWithRetryAfter() {
        start(SimulatorSpec.ietf(2, Duration.ofSeconds(60)));
        HttpResponse<String> first = client.get("/items", "t");
        assertThat(header(first, "RateLimit-Policy")).isEqualTo("\"default\";q=2;w=60");
        assertThat(header(first, "RateLimit")).isEqualTo("\"default\";r=1;t=60");
        clock.advance(Duration.ofMillis(20_500));
        assertThat(header(client.get("/items", "t"), "RateLimit")).isEqualTo("\"default\";r=0;t=40");

        HttpResponse<String> refused = client.get("/items", "t");
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(header(refused, "Retry-After")).isEqualTo("40");
        assertThat(header(refused, "RateLimit")).isEqualTo("\"default\";r=0;t=40");
        assertThat(refused.body()).isEqualTo("{\"message\":\"Too Many Requests\"}");
        assertThat(simulator.violations()).isEqualTo(1);
    }

    @Test
    void plainUpstreamSaysNothingUntilItRefuses() {
        start(SimulatorSpec.none(1, Duration.ofSeconds(3)));
        HttpResponse<String> first = client.get("/x", "t");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().map().keySet())
                .noneMatch(name -> name.toLowerCase().contains("ratelimit") || name.equalsIgnoreCase("retry-after"));
        clock.advance(Duration.ofMillis(1_001));
        HttpResponse<String> refused = client.get("/x", "t");
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(header(refused, "Retry-After")).isEqualTo("2");
        assertThat(simulator.violations()).isEqualTo(1);
        clock.advance(Duration.ofMillis(1_999));
        assertThat(client.get("/x", "t").statusCode()).isEqualTo(200);
    }
}
