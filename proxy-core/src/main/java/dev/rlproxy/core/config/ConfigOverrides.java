package dev.rlproxy.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The values operators change per deployment without editing the file: {@code RLPROXY_…}
 * environment variables, then {@code --set key.path=value} arguments, later ones winning. They are
 * spliced into the file's YAML before binding, so they meet the same key and value checks as the
 * file (see {@link ConfigLoader#load(java.nio.file.Path, Map, ConfigOverrides)}).
 */
public final class ConfigOverrides {

    /** The variables that set configuration keys, each with the key it sets. */
    public static final Map<String, String> VARIABLES = Map.of(
            "RLPROXY_LISTEN", "server.listen",
            "RLPROXY_PUBLIC_URL", "server.publicUrl",
            "RLPROXY_ADMIN_LISTEN", "admin.listen",
            "RLPROXY_ADMIN_TOKEN", "admin.authToken",
            "RLPROXY_STORE_TYPE", "store.type",
            "RLPROXY_REDIS_URI", "store.redis.uri");

    private static final String PREFIX = "RLPROXY_";
    private static final Pattern KEY_PATH = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");
    private static final ConfigOverrides NONE = new ConfigOverrides(List.of());

    private final List<ConfigOverride> overrides;

    private ConfigOverrides(List<ConfigOverride> overrides) {
        this.overrides = List.copyOf(overrides);
    }

    public static ConfigOverrides none() {
        return NONE;
    }

    /**
     * @param setArguments       each {@code key.path=value} given with {@code --set}, in order
     * @param env                the process environment; its {@code RLPROXY_…} variables are read
     * @param otherVariables     {@code RLPROXY_…} variables read elsewhere (the command line's log
     *                           options), so they are not reported as unknown
     * @throws ConfigException naming every malformed argument and unknown {@code RLPROXY_…}
     *                         variable, never a value
     */
    public static ConfigOverrides of(List<String> setArguments, Map<String, String> env, Set<String> otherVariables) {
        List<ConfigOverride> overrides = new ArrayList<>();
        List<ConfigError> errors = new ArrayList<>();
        for (String name : new TreeSet<>(env.keySet())) {
            String key = VARIABLES.get(name);
            if (key != null && env.get(name).isEmpty()) {
                continue; // as with ${VAR:-default}: an empty variable counts as unset
            }
            if (key != null) {
                overrides.add(new ConfigOverride(name, List.of(key.split("\\.")), env.get(name)));
            } else if (name.startsWith(PREFIX) && !otherVariables.contains(name)) {
                Set<String> known = new TreeSet<>(VARIABLES.keySet());
                known.addAll(otherVariables);
                String hint = Suggestions.didYouMean(name, known);
                errors.add(ConfigError.outsideFile(name, "unknown variable"
                        + (hint.isEmpty() ? "; the known ones are " + String.join(", ", known) : hint)));
            }
        }
        for (String argument : setArguments) {
            int equals = argument.indexOf('=');
            String key = equals < 0 ? "" : argument.substring(0, equals);
            if (KEY_PATH.matcher(key).matches()) {
                overrides.add(new ConfigOverride("--set", List.of(key.split("\\.")), argument.substring(equals + 1)));
            } else {
                // The argument is not echoed: it may hold a secret typed in the wrong place.
                errors.add(ConfigError.outsideFile("--set", key.contains("[")
                        ? "list items cannot be set from outside the file; write the list in the file"
                        : "expected key.path=value with keys of letters, digits, '-' or '_' separated by dots,"
                        + " e.g. --set server.listen=0.0.0.0:8080"));
            }
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        return new ConfigOverrides(overrides);
    }

    /** In order of precedence, lowest first. */
    List<ConfigOverride> list() {
        return overrides;
    }

    @Override
    public String toString() {
        return overrides.toString();
    }
}
