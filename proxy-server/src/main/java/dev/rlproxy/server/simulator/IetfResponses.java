package dev.rlproxy.server.simulator;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The IETF draft fields: {@code RateLimit-Policy: "default";q=N;w=W} and
 * {@code RateLimit: "default";r=R;t=T}, seconds rounded up; 429 with {@code Retry-After} when over.
 */
final class IetfResponses implements DialectResponses {

    @Override
    public Map<String, String> headers(Admission admission) {
        WindowState window = admission.window();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("RateLimit-Policy", "\"default\";q=" + window.limit() + ";w=" + Seconds.ceil(window.windowNanos()));
        headers.put("RateLimit", "\"default\";r=" + window.remaining() + ";t=" + Seconds.ceil(window.resetAfterNanos()));
        return headers;
    }

    @Override
    public SimulatedResponse refusal(Admission admission) {
        Map<String, String> headers = headers(admission);
        headers.put("Retry-After", Long.toString(Seconds.ceil(admission.window().resetAfterNanos())));
        return SimulatedResponse.json(429, headers, JsonText.message("Too Many Requests"));
    }
}
