package dev.rlproxy.server.proxy;

import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ProxyErrorTest {

    @Test
    void rateLimitedAnswerIsJsonWithRetryAfterRoundedUpAndMarkedAsTheProxys() {
        FullHttpResponse response = ProxyError.rateLimited("queue wait \"too long\"", TimeUnit.MILLISECONDS.toNanos(1_200))
                .toResponse(UnpooledByteBufAllocator.DEFAULT, true);
        try {
            assertThat(response.status().code()).isEqualTo(429);
            assertThat(response.headers().get("Retry-After")).isEqualTo("2");
            assertThat(response.headers().get("X-Proxy-Error")).isEqualTo("true");
            assertThat(response.headers().get("Content-Type")).isEqualTo("application/json");
            assertThat(response.headers().contains("Connection")).isFalse();
            assertThat(response.content().toString(StandardCharsets.UTF_8))
                    .isEqualTo("{\"error\":\"rate_limited\",\"detail\":\"queue wait \\\"too long\\\"\"}");
        } finally {
            response.release();
        }
    }

    @Test
    void storeUnavailableIsA503WithRetryAfterThatNamesTheFailureMode() {
        FullHttpResponse response = ProxyError.storeUnavailable(TimeUnit.SECONDS.toNanos(1))
                .toResponse(UnpooledByteBufAllocator.DEFAULT, true);
        try {
            assertThat(response.status().code()).isEqualTo(503);
            assertThat(response.headers().get("Retry-After")).isEqualTo("1");
            assertThat(response.headers().get("X-Proxy-Error")).isEqualTo("true");
            assertThat(response.content().toString(StandardCharsets.UTF_8))
                    .startsWith("{\"error\":\"store_unavailable\",").contains("fail-closed");
        } finally {
            response.release();
        }
    }

    @Test
    void closingAnswerSaysSo() {
        FullHttpResponse response = ProxyError.noRoute("GET", "/x").toResponse(UnpooledByteBufAllocator.DEFAULT, false);
        try {
            assertThat(response.status().code()).isEqualTo(404);
            assertThat(response.headers().get("Connection")).isEqualTo("close");
            assertThat(response.headers().contains("Retry-After")).isFalse();
        } finally {
            response.release();
        }
    }
}
