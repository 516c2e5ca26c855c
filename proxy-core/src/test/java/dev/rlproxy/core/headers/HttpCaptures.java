package dev.rlproxy.core.headers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads a captured HTTP response from {@code src/test/resources/headers/NAME.http}: leading
 * {@code #} lines say where the capture comes from, then the status line, headers, an empty line
 * and the optional body.
 */
final class HttpCaptures {

    private HttpCaptures() {
    }

    static UpstreamResponse load(String name) {
        String text = read("/headers/" + name + ".http");
        List<String> lines = new ArrayList<>(text.lines().toList());
        while (lines.get(0).startsWith("#")) {
            lines.remove(0);
        }
        int status = Integer.parseInt(lines.remove(0).split(" ")[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        while (!lines.isEmpty() && !lines.get(0).isEmpty()) {
            String line = lines.remove(0);
            int colon = line.indexOf(':');
            headers.computeIfAbsent(line.substring(0, colon), n -> new ArrayList<>()).add(line.substring(colon + 1).strip());
        }
        return new UpstreamResponse(status, ResponseHeaders.of(headers)); // the body is never read
    }

    private static String read(String resource) {
        try (InputStream in = HttpCaptures.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no capture " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
