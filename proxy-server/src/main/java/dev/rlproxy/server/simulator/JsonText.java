package dev.rlproxy.server.simulator;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/** Just enough JSON writing for the simulator's small fixed-shape bodies. */
final class JsonText {

    private JsonText() {
    }

    /** {@code value} as a JSON string literal, quotes included. */
    static String quote(String value) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(value)) + "\"";
    }

    /** {@code {"message":"..."}}. */
    static String message(String message) {
        return "{\"message\":" + quote(message) + "}";
    }
}
