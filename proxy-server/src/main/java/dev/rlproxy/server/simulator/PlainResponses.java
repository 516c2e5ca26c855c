package dev.rlproxy.server.simulator;

import java.util.Map;

/** An upstream that says nothing about its limits until it refuses: 429 with {@code Retry-After}. */
final class PlainResponses implements DialectResponses {

    @Override
    public Map<String, String> headers(Admission admission) {
        return Map.of();
    }

    @Override
    public SimulatedResponse refusal(Admission admission) {
        String retryAfter = Long.toString(Seconds.ceil(admission.window().resetAfterNanos()));
        return SimulatedResponse.json(429, Map.of("Retry-After", retryAfter), JsonText.message("Too Many Requests"));
    }
}
