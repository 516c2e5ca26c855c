package dev.rlproxy.server.upstream;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The hosts {@code NO_PROXY} exempts from the egress proxy, read as curl reads it: a comma
 * separated list of host names (each also covers its subdomains; a leading dot is optional), IP
 * addresses, either with an optional {@code :port}, or {@code *} for every host. IP ranges in
 * CIDR notation are not supported.
 */
record NoProxy(boolean everything, List<Entry> entries) {

    record Entry(String host, int port) {
    }

    static NoProxy parse(String value) {
        List<Entry> entries = new ArrayList<>();
        for (String raw : value.split(",")) {
            String item = raw.strip().toLowerCase(Locale.ROOT);
            if (item.equals("*")) {
                return new NoProxy(true, List.of());
            }
            if (item.isEmpty()) {
                continue;
            }
            int port = -1;
            int colon = item.lastIndexOf(':');
            if (colon > 0 && item.indexOf(':') == colon && item.substring(colon + 1).matches("\\d{1,5}")) {
                port = Integer.parseInt(item.substring(colon + 1));
                item = item.substring(0, colon);
            }
            if (item.startsWith("[") && item.endsWith("]")) {
                item = item.substring(1, item.length() - 1);
            }
            entries.add(new Entry(item.startsWith(".") ? item.substring(1) : item, port));
        }
        return new NoProxy(false, List.copyOf(entries));
    }

    boolean matches(String host, int port) {
        if (everything) {
            return true;
        }
        String h = host.toLowerCase(Locale.ROOT);
        h = h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
        for (Entry entry : entries) {
            boolean hostMatches = h.equals(entry.host()) || h.endsWith("." + entry.host());
            if (hostMatches && (entry.port() < 0 || entry.port() == port)) {
                return true;
            }
        }
        return false;
    }
}
