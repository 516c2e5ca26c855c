package dev.rlproxy.core.config;

import java.util.List;

/**
 * One configuration value given outside the file, by {@code --set key.path=value} or an
 * {@code RLPROXY_…} variable. Errors about it name {@link #origin()} instead of a file position.
 *
 * @param origin where it came from, as the operator wrote it: {@code --set} or the variable's name
 * @param path   the key path, one mapping key per segment
 * @param value  the scalar, taken literally (no {@code ${VAR}} substitution); may be a secret
 */
record ConfigOverride(String origin, List<String> path, String value) {

    ConfigOverride {
        path = List.copyOf(path);
    }

    /** Never the value: it may be a token or a password. */
    @Override
    public String toString() {
        return origin + " " + KeyPath.render(path);
    }
}
