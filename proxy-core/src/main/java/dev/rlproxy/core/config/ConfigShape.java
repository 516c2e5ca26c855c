package dev.rlproxy.core.config;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a configuration value looks like in YAML, read off the record it binds to: the keys each
 * mapping may have and the shape under each key. {@link UnknownKeyCheck} walks a file against it.
 */
sealed interface ConfigShape {

    /** The whole file. */
    ConfigShape FILE = of(ProxyConfig.class);

    /** A value read from one YAML scalar: text, a number, a duration, an enum... */
    record Scalar() implements ConfigShape {
    }

    /**
     * A record's mapping.
     *
     * @param keys             each key the record takes (sorted), with the shape of its value
     * @param refusedByBinding keys the record declares ignored; Jackson refuses them itself, with a
     *                         message of their own (FAIL_ON_IGNORED_PROPERTIES)
     */
    record Mapping(Map<String, ConfigShape> keys, Set<String> refusedByBinding) implements ConfigShape {
    }

    /** A mapping of names the user picks (like {@code upstreams}) to values of one shape. */
    record MapOf(ConfigShape values) implements ConfigShape {
    }

    record ListOf(ConfigShape elements) implements ConfigShape {
    }

    /**
     * The shape of values bound to {@code type}.
     *
     * @throws IllegalArgumentException for a type this does not know how to read, so a new kind of
     *                                  configuration value cannot slip by with its keys unchecked
     */
    static ConfigShape of(Type type) {
        if (type instanceof ParameterizedType generic) {
            Type[] arguments = generic.getActualTypeArguments();
            if (generic.getRawType() == List.class) {
                return new ListOf(of(arguments[0]));
            }
            if (generic.getRawType() == Map.class && arguments[0] == String.class) {
                return new MapOf(of(arguments[1]));
            }
        } else if (type instanceof Class<?> plain) {
            if (plain.isPrimitive() || plain == String.class || Number.class.isAssignableFrom(plain)
                    || plain == Boolean.class || ConfigMapper.readsFromScalar(plain)) {
                return new Scalar();
            }
            if (plain.isRecord()) {
                return mapping(plain);
            }
        }
        throw new IllegalArgumentException("no YAML shape for " + type.getTypeName()
                + ": teach ConfigShape to read it so its keys are checked");
    }

    private static Mapping mapping(Class<?> record) {
        Map<String, ConfigShape> keys = new TreeMap<>();
        for (RecordComponent component : record.getRecordComponents()) {
            // Annotations on a record component reach its accessor, where Jackson finds them too.
            Method accessor = component.getAccessor();
            if (accessor.isAnnotationPresent(JacksonInject.class)) {
                continue; // supplied by the loader (like an upstream's name), never a key in the file
            }
            JsonProperty renamed = accessor.getAnnotation(JsonProperty.class);
            String key = renamed == null || renamed.value().isEmpty() ? component.getName() : renamed.value();
            keys.put(key, of(component.getGenericType()));
        }
        JsonIgnoreProperties ignored = record.getAnnotation(JsonIgnoreProperties.class);
        return new Mapping(Collections.unmodifiableMap(keys), ignored == null ? Set.of() : Set.of(ignored.value()));
    }
}
