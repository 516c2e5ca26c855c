package dev.rlproxy.core.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A listen address, written {@code host:port} or {@code [ipv6]:port}. Port 0 means "pick a free
 * port". The host is kept without brackets.
 */
public record HostPort(String host, int port) {

    static final String EXPECTED = "expected host:port like 127.0.0.1:8080 or [::1]:8080";

    public HostPort {
        if (host == null || host.isBlank() || host.chars().anyMatch(c -> Character.isWhitespace(c) || c == '/')) {
            throw InvalidConfigException.of(EXPECTED + " (the host is missing or malformed)");
        }
        if (port < 0 || port > 65535) {
            throw InvalidConfigException.of("port must be between 0 and 65535, was " + port);
        }
    }

    /** @throws InvalidConfigException if {@code text} is not {@code host:port} */
    public static HostPort parse(String text) {
        String s = text == null ? "" : text.strip();
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf("]:");
            if (close < 0) {
                throw InvalidConfigException.of(EXPECTED + ", got '" + Quoting.shorten(s) + "'");
            }
            host = s.substring(1, close);
            port = s.substring(close + 2);
        } else {
            int colon = s.lastIndexOf(':');
            if (colon < 0 || s.indexOf(':') != colon) {
                String hint = colon >= 0 ? " (put IPv6 addresses in brackets)" : "";
                throw InvalidConfigException.of(EXPECTED + ", got '" + Quoting.shorten(s) + "'" + hint);
            }
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
        }
        if (!port.matches("\\d{1,5}")) {
            throw InvalidConfigException.of(EXPECTED + ", got '" + Quoting.shorten(s) + "'");
        }
        return new HostPort(host, Integer.parseInt(port));
    }

    /**
     * Whether this names the local machine only: {@code localhost}, {@code 127.x.x.x} or {@code ::1}.
     * Decided from the literal text: no DNS lookup happens at config time.
     */
    public boolean isLoopback() {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (host.contains(":")) {
            try {
                // An IPv6 literal is parsed, never resolved.
                return InetAddress.getByName("[" + host + "]").isLoopbackAddress();
            } catch (UnknownHostException e) {
                return false;
            }
        }
        String[] octets = host.split("\\.", -1);
        if (octets.length != 4 || !octets[0].equals("127")) {
            return false;
        }
        for (String octet : octets) {
            if (!octet.matches("\\d{1,3}") || Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
}
