package dev.rlproxy.server.proxy;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/** JSON string quoting for the proxy's own small answers (no object mapper on the hot path). */
final class Json {

    private Json() {
    }

    static String quote(String s) {
        return s == null ? "null" : "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }
}
