package dev.rlproxy.core.config;

/** Shortens user input before it is echoed in an error message. */
final class Quoting {

    private static final int MAX = 40;

    private Quoting() {
    }

    static String shorten(String value) {
        return value.length() <= MAX ? value : value.substring(0, MAX) + "...";
    }
}
