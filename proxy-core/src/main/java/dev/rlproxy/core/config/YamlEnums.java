package dev.rlproxy.core.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Maps enum constants to their YAML spelling: {@code LOCAL_SHARE} is written {@code local-share}. */
final class YamlEnums {

    private YamlEnums() {
    }

    static String yamlName(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** @throws InvalidConfigException naming the accepted spellings if {@code text} is none of them */
    static <E extends Enum<E>> E parse(Class<E> type, String text) {
        String s = text == null ? "" : text.strip();
        for (E constant : type.getEnumConstants()) {
            if (yamlName(constant).equalsIgnoreCase(s)) {
                return constant;
            }
        }
        throw InvalidConfigException.of("expected " + choices(type) + ", got '" + Quoting.shorten(s) + "'");
    }

    static String choices(Class<? extends Enum<?>> type) {
        return Arrays.stream(type.getEnumConstants()).map(YamlEnums::yamlName).collect(Collectors.joining(" | "));
    }
}
