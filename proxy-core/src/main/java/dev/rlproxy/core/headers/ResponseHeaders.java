package dev.rlproxy.core.headers;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Read-only, case-insensitive view of response headers; the server adapts Netty's headers to it. */
public interface ResponseHeaders {

    /** Every value of the header, in order; empty when absent. Never null. */
    List<String> getAll(String name);

    /** The first value, or null. */
    default String get(String name) {
        List<String> values = getAll(name);
        return values.isEmpty() ? null : values.get(0);
    }

    /** Headers from a plain map (tests, simulators). Names are matched case-insensitively. */
    static ResponseHeaders of(Map<String, List<String>> headers) {
        Map<String, List<String>> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) ->
                byName.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>()).addAll(values));
        return name -> List.copyOf(byName.getOrDefault(name, List.of()));
    }

    /** Headers from alternating name, value pairs: {@code of("Retry-After", "5")}. */
    static ResponseHeaders of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must come in pairs");
        }
        Map<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.computeIfAbsent(namesAndValues[i], n -> new ArrayList<>()).add(namesAndValues[i + 1]);
        }
        return of(map);
    }
}
