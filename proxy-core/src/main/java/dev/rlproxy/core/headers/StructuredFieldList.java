package dev.rlproxy.core.headers;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A tolerant reader for the subset of RFC 9651 structured fields the IETF RateLimit drafts use:
 * a comma-separated list of members, each {@code head;key=value;key=value}, where the head is a
 * bare item ({@code "default"}, {@code 100}) or, in the older dictionary form, {@code key=value}.
 *
 * <p>It does not validate: quoted strings are unquoted (honouring backslash escapes), keys are
 * lower-cased, and malformed pieces simply come out as odd names or values that the number parser
 * later rejects. Commas and semicolons inside quoted strings do not split.
 */
final class StructuredFieldList {

    /** More members than this is not a rate-limit header but an attack on our memory. */
    static final int MAX_MEMBERS = 16;
    private static final int MAX_FIELD_LENGTH = 8 * 1024;

    /**
     * One list member.
     *
     * @param key    the unquoted bare item, or the key of a {@code key=value} head
     * @param value  the unquoted value of a {@code key=value} head, or null for a bare item
     * @param params parameters by lower-case key; a parameter without value maps to {@code ""}
     */
    record Member(String key, String value, Map<String, String> params) {
    }

    private StructuredFieldList() {
    }

    /** The members of the field, at most {@link #MAX_MEMBERS}; empty for a null, blank or oversized field. */
    static List<Member> parse(String field) {
        if (field == null || field.length() > MAX_FIELD_LENGTH) {
            return List.of();
        }
        List<Member> members = new ArrayList<>();
        for (String piece : split(field, ',')) {
            if (members.size() == MAX_MEMBERS) {
                break;
            }
            List<String> parts = split(piece, ';');
            if (parts.get(0).isBlank()) {
                continue;
            }
            String[] head = keyValue(parts.get(0));
            Map<String, String> params = new HashMap<>();
            for (String param : parts.subList(1, parts.size())) {
                String[] kv = keyValue(param);
                params.putIfAbsent(kv[0].toLowerCase(Locale.ROOT), kv[1] == null ? "" : kv[1]);
            }
            members.add(new Member(head[0], head[1], params));
        }
        return members;
    }

    /** Splits on the separator outside quoted strings. Always returns at least one (maybe empty) piece. */
    private static List<String> split(String text, char separator) {
        List<String> pieces = new ArrayList<>();
        StringBuilder piece = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted && c == '\\' && i + 1 < text.length()) {
                piece.append(c).append(text.charAt(++i));
                continue;
            }
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == separator && !quoted) {
                pieces.add(piece.toString());
                piece.setLength(0);
            } else {
                piece.append(c);
            }
        }
        pieces.add(piece.toString());
        return pieces;
    }

    /** {@code key=value} split at the first {@code =} outside quotes, both sides trimmed and unquoted. */
    private static String[] keyValue(String text) {
        String trimmed = text.strip();
        int equals = trimmed.startsWith("\"") ? -1 : trimmed.indexOf('=');
        if (equals < 0) {
            return new String[] {unquote(trimmed), null};
        }
        return new String[] {unquote(trimmed.substring(0, equals).strip()), unquote(trimmed.substring(equals + 1).strip())};
    }

    private static String unquote(String text) {
        if (text.length() < 2 || !text.startsWith("\"") || !text.endsWith("\"")) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 1; i < text.length() - 1; i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length() - 1) {
                c = text.charAt(++i);
            }
            out.append(c);
        }
        return out.toString();
    }
}
