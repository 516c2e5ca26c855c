package dev.rlproxy.server.simulator;

import java.util.LinkedHashMap;
import java.util.Map;

/** An answer before it becomes a WireMock response definition; headers keep their insertion order. */
record SimulatedResponse(int status, Map<String, String> headers, String body) {

    static SimulatedResponse json(int status, Map<String, String> headers, String body) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("Content-Type", "application/json; charset=utf-8");
        return new SimulatedResponse(status, all, body);
    }
}
