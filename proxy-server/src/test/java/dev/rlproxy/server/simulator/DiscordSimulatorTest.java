package dev.rlproxy.server.simulator;

import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static dev.rlproxy.server.simulator.SimulatorClient.header;
import static org.assertj.core.api.Assertions.assertThat;

class DiscordSimulatorTest extends ManualClockSimulatorTest {

    private HttpResponse<String> call(String path, String token) {
        return client.send("GET", path, "Authorization", "Bot " + token);
    }

    @Test
    void answersCarryBucketHeadersWithFractionalResets() {
        start(SimulatorSpec.discord(5, Duration.ofMillis(2_500)));
        HttpResponse<String> first = call("/api/v10/channels/1/messages", "bot-a");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(header(first, "X-RateLimit-Bucket")).matches("[0-9a-f]{32}");
        assertThat(header(first, "X-RateLimit-Limit")).isEqualTo("5");
        assertThat(header(first, "X-RateLimit-Remaining")).isEqualTo("4");
        assertThat(header(first, "X-RateLimit-Reset")).isEqualTo("1767225602.500");
        assertThat(header(first, "X-RateLimit-Reset-After")).isEqualTo("2.500");

        clock.advance(Duration.ofMillis(1_234));
        HttpResponse<String> second = call("/api/v10/channels/1/messages", "bot-a");
        assertThat(header(second, "X-RateLimit-Remaining")).isEqualTo("3");
        assertThat(header(second, "X-RateLimit-Reset-After")).isEqualTo("1.266");
        assertThat(header(second, "X-RateLimit-Bucket")).isEqualTo(header(first, "X-RateLimit-Bucket"));
    }

    @Test
    void eachMajorParameterCountsSeparatelyInTheSameBucket() {
        start(SimulatorSpec.discord(2, Duration.ofSeconds(5)));
        // getTimes sends "Bearer x", call() sends "Bot x": the same token either way.
        assertThat(client.getTimes(3, "/channels/1/messages", "x")).isEqualTo(2);
        HttpResponse<String> otherChannel = call("/channels/2/messages", "x");
        assertThat(otherChannel.statusCode()).isEqualTo(200);
        assertThat(header(otherChannel, "X-RateLimit-Remaining")).isEqualTo("1");
        HttpResponse<String> otherRoute = call("/channels/1/pins", "x");
        assertThat(header(otherRoute, "X-RateLimit-Bucket")).isNotEqualTo(header(otherChannel, "X-RateLimit-Bucket"));
        assertThat(header(otherRoute, "X-RateLimit-Remaining")).isEqualTo("1");
    }

    @Test
    void overARouteLimitAnswers429WithRetryAfter() {
        start(SimulatorSpec.discord(2, Duration.ofSeconds(5)));
        call("/channels/1/messages/10", "bot-a");
        call("/channels/1/messages/11", "bot-a");
        clock.advance(Duration.ofMillis(3_766));
        HttpResponse<String> refused = call("/channels/1/messages/12", "bot-a");

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.body())
                .isEqualTo("{\"message\":\"You are being rate limited.\",\"retry_after\":1.234,\"global\":false}");
        assertThat(header(refused, "Retry-After")).isEqualTo("2");
        assertThat(header(refused, "X-RateLimit-Remaining")).isEqualTo("0");
        assertThat(header(refused, "X-RateLimit-Reset-After")).isEqualTo("1.234");
        assertThat(header(refused, "X-RateLimit-Scope")).isEqualTo("user");
        assertThat(header(refused, "X-RateLimit-Global")).isNull();
        assertThat(simulator.violationsByToken()).isEqualTo(Map.of("bot-a", 1L));

        clock.advance(Duration.ofMillis(1_234));
        assertThat(call("/channels/1/messages/12", "bot-a").statusCode()).isEqualTo(200);
    }

    @Test
    void theGlobalLimitSpansAllRoutesOfAToken() {
        start(SimulatorSpec.discord(10, Duration.ofSeconds(5)).withGlobalLimit(3));
        for (int channel = 1; channel <= 3; channel++) {
            assertThat(call("/channels/" + channel + "/messages", "bot-a").statusCode()).isEqualTo(200);
        }
        clock.advance(Duration.ofMillis(400));
        HttpResponse<String> refused = call("/channels/4/messages", "bot-a");

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.body())
                .isEqualTo("{\"message\":\"You are being rate limited.\",\"retry_after\":0.600,\"global\":true}");
        assertThat(header(refused, "X-RateLimit-Global")).isEqualTo("true");
        assertThat(header(refused, "X-RateLimit-Scope")).isEqualTo("global");
        assertThat(header(refused, "Retry-After")).isEqualTo("1");
        assertThat(header(refused, "X-RateLimit-Bucket")).isNull();
        // Another token has its own global limit.
        assertThat(call("/channels/4/messages", "bot-b").statusCode()).isEqualTo(200);

        clock.advance(Duration.ofMillis(600));
        HttpResponse<String> later = call("/channels/4/messages", "bot-a");
        assertThat(later.statusCode()).isEqualTo(200);
        // The refused request did not count against its route bucket.
        assertThat(header(later, "X-RateLimit-Remaining")).isEqualTo("9");
        assertThat(simulator.violations()).isEqualTo(1);
    }
}
