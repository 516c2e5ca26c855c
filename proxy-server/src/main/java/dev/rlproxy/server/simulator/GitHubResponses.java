package dev.rlproxy.server.simulator;

import java.util.LinkedHashMap;
import java.util.Map;

/** GitHub REST: {@code X-RateLimit-*} on every answer, 403 with a JSON message when over the limit. */
final class GitHubResponses implements DialectResponses {

    @Override
    public Map<String, String> headers(Admission admission) {
        WindowState window = admission.window();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-RateLimit-Limit", Integer.toString(window.limit()));
        headers.put("X-RateLimit-Remaining", Integer.toString(window.remaining()));
        headers.put("X-RateLimit-Used", Integer.toString(window.used()));
        // Epoch seconds rounded up: the window is over by then.
        headers.put("X-RateLimit-Reset", Long.toString(Math.floorDiv(admission.resetEpochMillis() + 999, 1000L)));
        headers.put("X-RateLimit-Resource", "core");
        return headers;
    }

    @Override
    public SimulatedResponse refusal(Admission admission) {
        String body = "{\"message\":" + JsonText.quote("API rate limit exceeded for " + admission.callerLabel() + ".")
                + ",\"documentation_url\":\"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api\"}";
        return SimulatedResponse.json(403, headers(admission), body);
    }
}
