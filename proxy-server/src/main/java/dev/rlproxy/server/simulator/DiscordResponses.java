package dev.rlproxy.server.simulator;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Discord: per-bucket {@code X-RateLimit-*} with fractional reset times, 429 with {@code retry_after}
 * when over a limit; a global refusal says so with {@code X-RateLimit-Global} and carries no bucket headers.
 */
final class DiscordResponses implements DialectResponses {

    @Override
    public Map<String, String> headers(Admission admission) {
        WindowState window = admission.window();
        long resetAfterMillis = Seconds.ceilMillis(window.resetAfterNanos());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-RateLimit-Bucket", admission.bucket());
        headers.put("X-RateLimit-Limit", Integer.toString(window.limit()));
        headers.put("X-RateLimit-Remaining", Integer.toString(window.remaining()));
        headers.put("X-RateLimit-Reset", Seconds.fractionalFromMillis(admission.wallMillis() + resetAfterMillis));
        headers.put("X-RateLimit-Reset-After", Seconds.fractionalFromMillis(resetAfterMillis));
        return headers;
    }

    @Override
    public SimulatedResponse refusal(Admission admission) {
        boolean global = admission.verdict() == Admission.Verdict.OVER_GLOBAL_LIMIT;
        long resetAfterNanos = admission.window().resetAfterNanos();
        Map<String, String> headers = global ? new LinkedHashMap<>() : headers(admission);
        headers.put("Retry-After", Long.toString(Seconds.ceil(resetAfterNanos)));
        if (global) {
            headers.put("X-RateLimit-Global", "true");
        }
        headers.put("X-RateLimit-Scope", global ? "global" : "user");
        String body = "{\"message\":\"You are being rate limited.\",\"retry_after\":"
                + Seconds.fractionalFromMillis(Seconds.ceilMillis(resetAfterNanos)) + ",\"global\":" + global + "}";
        return SimulatedResponse.json(429, headers, body);
    }
}
