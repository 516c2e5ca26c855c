package dev.rlproxy.server.simulator;

import java.util.LinkedHashMap;
import java.util.Map;

/** OpenAI: {@code x-ratelimit-*-requests} with a Go-style reset duration; 429 when over the limit. */
final class OpenAiResponses implements DialectResponses {

    @Override
    public Map<String, String> headers(Admission admission) {
        WindowState window = admission.window();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-ratelimit-limit-requests", Integer.toString(window.limit()));
        headers.put("x-ratelimit-remaining-requests", Integer.toString(window.remaining()));
        headers.put("x-ratelimit-reset-requests", GoDuration.format(window.resetAfterNanos()));
        return headers;
    }

    @Override
    public SimulatedResponse refusal(Admission admission) {
        String body = "{\"error\":{\"message\":\"Rate limit reached for requests\",\"type\":\"requests\","
                + "\"param\":null,\"code\":\"rate_limit_exceeded\"}}";
        return SimulatedResponse.json(429, headers(admission), body);
    }
}
