package dev.rlproxy.core.config;

import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.JsonMappingException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Key paths in the YAML form users read in error messages: {@code upstreams.github.tokens.static[0]}.
 * A path is a list of segments, each a key or an index written {@code [i]}.
 */
final class KeyPath {

    private KeyPath() {
    }

    /** Where the parser is: the current key or index of each enclosing mapping and list. */
    static List<String> of(JsonStreamContext context) {
        List<String> segments = new ArrayList<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inObject() && c.hasCurrentName()) {
                segments.add(c.getCurrentName());
            } else if (c.inArray() && c.hasCurrentIndex()) {
                segments.add("[" + c.getCurrentIndex() + "]");
            }
        }
        Collections.reverse(segments);
        return segments;
    }

    /** The path Jackson recorded while an error propagated out of nested values. */
    static List<String> of(JsonMappingException e) {
        List<String> segments = new ArrayList<>();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                segments.add(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                segments.add("[" + ref.getIndex() + "]");
            }
        }
        return segments;
    }

    /** {@code base} followed by a relative key like {@code routes[1].upstream} (empty adds nothing). */
    static List<String> append(List<String> base, String relativeKey) {
        List<String> segments = new ArrayList<>(base);
        for (String part : relativeKey.split("\\.")) {
            int bracket = part.indexOf('[');
            String name = bracket < 0 ? part : part.substring(0, bracket);
            if (!name.isEmpty()) {
                segments.add(name);
            }
            while (bracket >= 0) {
                int close = part.indexOf(']', bracket);
                segments.add(part.substring(bracket, close + 1));
                bracket = part.indexOf('[', close);
            }
        }
        return segments;
    }

    static String render(List<String> segments) {
        StringBuilder out = new StringBuilder();
        for (String segment : segments) {
            if (out.length() > 0 && !segment.startsWith("[")) {
                out.append('.');
            }
            out.append(segment);
        }
        return out.toString();
    }
}
