package dev.rlproxy.server.proxy;

import java.util.function.UnaryOperator;

/**
 * Rewrites every URI reference in an RFC 8288 {@code Link} header value: each {@code <target>} and
 * each {@code anchor} parameter. Everything else (relation types, other parameters, quoted strings
 * that happen to hold {@code <}) is copied as it is. A malformed value is copied as far as it parses.
 */
final class LinkHeader {

    private LinkHeader() {
    }

    static String rewrite(String value, UnaryOperator<String> uris) {
        StringBuilder out = new StringBuilder(value.length() + 32);
        int i = 0;
        int paramStart = 0; // where the current "; name=value" parameter began, for spotting anchor=
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c == '<') {
                int end = value.indexOf('>', i + 1);
                if (end < 0) {
                    out.append(value, i, value.length());
                    break;
                }
                out.append('<').append(uris.apply(value.substring(i + 1, end))).append('>');
                i = end + 1;
            } else if (c == '"') {
                int end = closingQuote(value, i);
                String quoted = value.substring(i + 1, end);
                boolean anchor = isAnchorParameter(value.substring(paramStart, i));
                out.append('"').append(anchor && quoted.indexOf('\\') < 0 ? uris.apply(quoted) : quoted);
                if (end < value.length()) {
                    out.append('"');
                }
                i = end + 1;
            } else {
                if (c == ';' || c == ',') {
                    paramStart = i + 1;
                }
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** Index of the quote that ends the quoted string opening at {@code open}, or the value's length. */
    private static int closingQuote(String value, int open) {
        int i = open + 1;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == '"') {
                return i;
            } else {
                i++;
            }
        }
        return value.length();
    }

    private static boolean isAnchorParameter(String beforeQuote) {
        String p = beforeQuote.strip();
        if (!p.endsWith("=")) {
            return false;
        }
        return p.substring(0, p.length() - 1).strip().equalsIgnoreCase("anchor");
    }
}
