package dev.rlproxy.core.headers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.util.List;

/**
 * Discord: {@code X-RateLimit-Bucket} (the bucket id), {@code -Limit}, {@code -Remaining},
 * {@code -Reset} (fractional epoch seconds), {@code -Reset-After} (fractional seconds, preferred:
 * it does not depend on our clock agreeing with Discord's), {@code -Global} and {@code -Scope}.
 *
 * <p>A 429 carries a JSON body, {@code {"message": ..., "retry_after": 64.57, "global": false}}; its
 * {@code retry_after} is more precise than the whole-second {@code Retry-After} header, so it wins
 * when the server buffered the body.
 */
public final class DiscordHeaders implements HeaderDialect {

    /** A refusal body is a few hundred bytes; anything much larger is not one, so it is not parsed. */
    private static final int MAX_BODY_LENGTH = 16 * 1024;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    @Override
    public RateLimitObservation parse(UpstreamResponse response, long nowEpochMillis) {
        ResponseHeaders headers = response.headers();
        String bucket = HeaderValues.token(HeaderValues.first(headers, "X-RateLimit-Bucket"));
        long limit = HeaderValues.count(HeaderValues.first(headers, "X-RateLimit-Limit"));
        long remaining = HeaderValues.count(HeaderValues.first(headers, "X-RateLimit-Remaining"));
        long resetAt = HeaderValues.plus(nowEpochMillis,
                HeaderValues.secondsAsMillis(HeaderValues.first(headers, "X-RateLimit-Reset-After")));
        if (resetAt < 0) {
            resetAt = HeaderValues.epochSecondsAsMillis(HeaderValues.first(headers, "X-RateLimit-Reset"), nowEpochMillis);
        }
        boolean global = HeaderValues.isTrue(HeaderValues.first(headers, "X-RateLimit-Global"))
                || "global".equalsIgnoreCase(HeaderValues.first(headers, "X-RateLimit-Scope"));

        RetryAfterHeaders.Refusal refusal = RetryAfterHeaders.refusal(response, nowEpochMillis);
        long retryAfter = refusal.retryAfterMillis();
        if (response.status() == 429 && response.body() != null) {
            JsonNode body = refusalBody(response.body());
            long bodyRetryAfter = bodyRetryAfterMillis(body.path("retry_after"));
            if (bodyRetryAfter >= 0) {
                retryAfter = bodyRetryAfter;
            }
            global |= body.path("global").asBoolean(false);
        }

        List<RateLimitWindow> windows = KnownWindows.of(bucket, limit, remaining, resetAt);
        return new RateLimitObservation(bucket, windows, refusal.throttled(), global, retryAfter);
    }

    @Override
    public boolean wantsRefusalBody() {
        return true;
    }

    /** The parsed body, or a missing node when it is too large or not JSON. */
    private static JsonNode refusalBody(String body) {
        if (body.length() > MAX_BODY_LENGTH) {
            return JSON.missingNode();
        }
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException notJson) {
            return JSON.missingNode();
        }
    }

    private static long bodyRetryAfterMillis(JsonNode retryAfter) {
        if (retryAfter.isNumber()) {
            return HeaderValues.secondsAsMillis(retryAfter.decimalValue());
        }
        return retryAfter.isTextual() ? HeaderValues.secondsAsMillis(retryAfter.asText()) : HeaderValues.UNKNOWN;
    }

    @Override
    public String toString() {
        return "discord";
    }
}
