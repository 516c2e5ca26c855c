package dev.rlproxy.core.config;

import java.util.regex.Pattern;

/** The shapes of names the configuration accepts. */
final class Names {

    /** Upstream, bucket and quota names end up in metric labels and store keys: keep them plain. */
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*");

    /** An HTTP header field name (RFC 9110 token). */
    private static final Pattern HEADER = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    static final String IDENTIFIER_RULE = "must be letters, digits, '-' or '_' (starting with a letter or digit)";

    private Names() {
    }

    static boolean isIdentifier(String name) {
        return name != null && IDENTIFIER.matcher(name).matches();
    }

    static boolean isHeaderName(String name) {
        return name != null && HEADER.matcher(name).matches();
    }
}
