package dev.rlproxy.core.config;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's configuration reference tells users which keys exist, so it must list exactly the
 * keys the loader accepts ({@link ConfigShape}, which {@link ConfigShapeTest} holds to what Jackson
 * binds), each in the table of its own section: {@code pool.maxConnections} in the table under
 * {@code upstreams.<name>} documents {@code upstreams.*.pool.maxConnections}.
 */
class ReadmeConfigReferenceTest {

    private static final Path README = Path.of("..", "README.md");
    private static final Pattern HEADING = Pattern.compile("^(#{2,4}) (.*)$");
    private static final Pattern FIRST_CODE = Pattern.compile("`([^`]+)`");
    private static final Pattern KEY_CELL = Pattern.compile("^\\|\\s*`([^`]+)`\\s*\\|");

    /** Every node of the file's shape by path ({@code upstreams.*.buckets[].limit}). */
    private static final Map<String, ConfigShape> SHAPE = new TreeMap<>();
    /** Documented key paths, each with where the README documents it. */
    private static Map<String, List<String>> documented;
    /** Sections whose heading precedes a key table, by section path. */
    private static Set<String> tableSections;

    @BeforeAll
    static void readShapeAndReadme() throws IOException {
        walk(ConfigShape.FILE, "");
        readReference(Files.readAllLines(README, StandardCharsets.UTF_8));
    }

    @Test
    void everyKeyTheLoaderAcceptsIsDocumentedUnderItsSection() {
        Set<String> undocumented = new TreeSet<>();
        SHAPE.forEach((path, shape) -> {
            if (isLeaf(shape) && !documented.containsKey(path)) {
                undocumented.add(path);
            }
        });
        assertThat(undocumented).as("keys the loader accepts but README.md's configuration reference lacks")
                .isEmpty();
    }

    @Test
    void everyDocumentedKeyExists() {
        Set<String> unknown = new TreeSet<>(documented.keySet());
        unknown.removeAll(SHAPE.keySet());
        assertThat(unknown).as("keys README.md's configuration reference documents but the loader refuses")
                .isEmpty();
    }

    @Test
    void everyKeyTableIsUnderAConfigurationSectionAndEachKeyIsDocumentedOnce() {
        assertThat(tableSections).as("sections with a key table").isNotEmpty().allSatisfy(section ->
                assertThat(SHAPE.get(section)).as("section `%s` names a mapping of the file", section)
                        .isInstanceOf(ConfigShape.Mapping.class));
        assertThat(documented).as("documented in one row only")
                .allSatisfy((path, rows) -> assertThat(rows).as(path).hasSize(1));
        // The parser found the tables at all (a changed table layout must not pass vacuously).
        assertThat(documented).containsKeys("server.listen", "store.redis.uri", "upstreams.*.pool.maxConnections",
                "upstreams.*.tokens.githubApp.installations", "upstreams.*.buckets[].maxConcurrent",
                "routes[].match.pathPrefix");
    }

    private static void walk(ConfigShape shape, String path) {
        if (!path.isEmpty()) {
            SHAPE.put(path, shape);
        }
        String prefix = path.isEmpty() ? "" : path + ".";
        if (shape instanceof ConfigShape.Mapping mapping) {
            mapping.keys().forEach((key, value) -> walk(value, prefix + key));
        } else if (shape instanceof ConfigShape.MapOf map) {
            walkElement(map.values(), path + ".*");
        } else if (shape instanceof ConfigShape.ListOf list) {
            walkElement(list.elements(), path + "[]");
        }
    }

    /** Elements of lists and maps: only their inner keys are paths of their own. */
    private static void walkElement(ConfigShape element, String path) {
        if (element instanceof ConfigShape.Mapping) {
            walk(element, path);
        }
    }

    /** A value users write directly: a scalar, or a list or map of scalars. */
    private static boolean isLeaf(ConfigShape shape) {
        return shape instanceof ConfigShape.Scalar
                || shape instanceof ConfigShape.ListOf list && list.elements() instanceof ConfigShape.Scalar
                || shape instanceof ConfigShape.MapOf map && map.values() instanceof ConfigShape.Scalar;
    }

    /**
     * Reads the key tables (header row starting {@code | Key |}) of the "Configuration reference"
     * chapter; each belongs to the section its nearest heading names in its first code span
     * ({@code upstreams.<name>.buckets[]} → {@code upstreams.*.buckets[]}).
     */
    private static void readReference(List<String> lines) {
        documented = new LinkedHashMap<>();
        tableSections = new TreeSet<>();
        boolean inReference = false;
        String section = null;
        String heading = null;
        boolean inKeyTable = false;
        for (String line : lines) {
            Matcher headingLine = HEADING.matcher(line);
            if (headingLine.matches()) {
                if (headingLine.group(1).equals("##")) {
                    inReference = headingLine.group(2).trim().equals("Configuration reference");
                }
                heading = headingLine.group(2);
                Matcher code = FIRST_CODE.matcher(heading);
                section = code.find() ? code.group(1).replace("<name>", "*") : null;
                inKeyTable = false;
                continue;
            }
            if (!inReference) {
                continue;
            }
            if (!line.startsWith("|")) {
                inKeyTable = false;
            } else if (line.matches("^\\|\\s*Key\\s*\\|.*")) {
                assertThat(section).as("key table under heading '%s' names no section in a code span", heading)
                        .isNotNull();
                inKeyTable = true;
                tableSections.add(section);
            } else if (inKeyTable) {
                Matcher key = KEY_CELL.matcher(line);
                if (key.find()) {
                    documented.computeIfAbsent(section + "." + key.group(1), k -> new ArrayList<>()).add(line);
                }
            }
        }
    }
}
