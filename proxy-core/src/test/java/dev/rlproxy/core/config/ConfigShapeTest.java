package dev.rlproxy.core.config;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Binding skips unknown keys because {@link UnknownKeyCheck} reported them already, so the shape it
 * checks against must be exactly what Jackson binds: a key Jackson does not know but the shape
 * does would be silently dropped.
 */
class ConfigShapeTest {

    @Test
    void everyMappingHasExactlyTheKeysJacksonBinds() {
        List<String> mappings = new ArrayList<>();
        assertSameShape(ConfigMapper.MAPPER.constructType(ProxyConfig.class), ConfigShape.FILE, "(file)", mappings);
        // The walk reached every record section of the file, nested ones included.
        assertThat(mappings).contains("(file)", "server", "admin", "store", "store.redis", "queue",
                "upstreams.*", "upstreams.*.custom", "upstreams.*.pool", "upstreams.*.retry", "upstreams.*.tokens",
                "upstreams.*.tokens.inject", "upstreams.*.tokens.oauth2", "upstreams.*.tokens.githubApp",
                "upstreams.*.tokens.command", "upstreams.*.buckets[]",
                "upstreams.*.quotas[]", "routes[]", "routes[].match");
    }

    private static void assertSameShape(JavaType type, ConfigShape shape, String where, List<String> mappings) {
        if (type.isCollectionLikeType()) {
            assertThat(shape).as(where).isInstanceOf(ConfigShape.ListOf.class);
            assertSameShape(type.getContentType(), ((ConfigShape.ListOf) shape).elements(), where + "[]", mappings);
        } else if (type.isMapLikeType()) {
            assertThat(shape).as(where).isInstanceOf(ConfigShape.MapOf.class);
            assertSameShape(type.getContentType(), ((ConfigShape.MapOf) shape).values(), where + ".*", mappings);
        } else if (type.isRecordType() && !ConfigMapper.readsFromScalar(type.getRawClass())) {
            assertThat(shape).as(where).isInstanceOf(ConfigShape.Mapping.class);
            ConfigShape.Mapping mapping = (ConfigShape.Mapping) shape;
            Map<String, JavaType> bound = jacksonProperties(type);
            Set<String> checked = new HashSet<>(mapping.keys().keySet());
            checked.addAll(mapping.refusedByBinding());
            assertThat(checked).as(where + ": keys checked or refused").isEqualTo(bound.keySet());
            mappings.add(where);
            String prefix = where.equals("(file)") ? "" : where + ".";
            mapping.keys().forEach((key, value) -> assertSameShape(bound.get(key), value, prefix + key, mappings));
        } else {
            assertThat(shape).as(where).isInstanceOf(ConfigShape.Scalar.class);
        }
    }

    private static Map<String, JavaType> jacksonProperties(JavaType type) {
        BeanDescription description = ConfigMapper.MAPPER.getDeserializationConfig().introspect(type);
        return description.findProperties().stream()
                .collect(Collectors.toMap(BeanPropertyDefinition::getName, BeanPropertyDefinition::getPrimaryType));
    }

    @Test
    void renamedInjectedAndRefusedKeys() {
        ConfigShape.Mapping tokens = (ConfigShape.Mapping) ConfigShape.of(TokensConfig.class);
        assertThat(tokens.keys()).containsKey("static").doesNotContainKey("staticTokens");
        ConfigShape.Mapping upstream = (ConfigShape.Mapping) ConfigShape.of(UpstreamConfig.class);
        assertThat(upstream.keys()).doesNotContainKey("name");
        assertThat(upstream.refusedByBinding()).containsExactly("name");
    }

    @Test
    void valueTypesReadFromOneScalarAreScalarsEvenWhenRecords() {
        for (Class<?> type : List.of(HostPort.class, DataSize.class, BucketScope.class, StoreType.class, String.class,
                long.class, Integer.class)) {
            assertThat(ConfigShape.of(type)).as(type.getSimpleName()).isEqualTo(new ConfigShape.Scalar());
        }
    }

    /** A new kind of value must be taught to the shape rather than have its keys go unchecked. */
    @Test
    void refusesTypesItCannotCheck() {
        assertThatThrownBy(() -> ConfigShape.of(Object.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.lang.Object");
        record WithOptional(Optional<String> value) {
        }
        assertThatThrownBy(() -> ConfigShape.of(WithOptional.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Optional<java.lang.String>");
    }
}
