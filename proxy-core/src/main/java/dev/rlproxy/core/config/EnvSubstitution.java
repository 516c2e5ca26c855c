package dev.rlproxy.core.config;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${VAR}} and {@code ${VAR:-default}} in a scalar with environment variables.
 * As in the shell, the default applies when the variable is unset or empty. A {@code $} not
 * followed by <code>{</code> stays as it is.
 */
final class EnvSubstitution {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final Map<String, String> env;

    EnvSubstitution(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /**
     * @param problems receives one message per missing variable or malformed reference; such a
     *                 reference is replaced by nothing so that reading can go on
     */
    String apply(String raw, List<String> problems) {
        int start = raw.indexOf("${");
        if (start < 0) {
            return raw;
        }
        StringBuilder out = new StringBuilder(raw.length());
        int position = 0;
        while (start >= 0) {
            out.append(raw, position, start);
            int end = raw.indexOf('}', start);
            if (end < 0) {
                problems.add("unclosed ${ (expected ${NAME} or ${NAME:-default})");
                return out.toString();
            }
            out.append(resolve(raw.substring(start + 2, end), problems));
            position = end + 1;
            start = raw.indexOf("${", position);
        }
        return out.append(raw, position, raw.length()).toString();
    }

    private String resolve(String reference, List<String> problems) {
        int separator = reference.indexOf(":-");
        String name = separator < 0 ? reference : reference.substring(0, separator);
        if (!NAME.matcher(name).matches()) {
            // Never echo the reference: a mistyped one may hold a secret pasted in place of a name.
            problems.add("malformed variable reference (expected ${NAME} or ${NAME:-default})");
            return "";
        }
        String value = env.get(name);
        if (separator >= 0) {
            return value == null || value.isEmpty() ? reference.substring(separator + 2) : value;
        }
        if (value == null) {
            problems.add("environment variable " + name + " is not set (give a default with ${" + name + ":-value})");
            return "";
        }
        return value;
    }
}
