package dev.rlproxy.core.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.util.TokenBuffer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Copies the file's YAML tokens into a buffer, splicing in the {@link ConfigOverrides}: an
 * overridden key's value is replaced, a key the file lacks is added at the end of its mapping
 * (creating the mappings above it), and a scalar or list standing where an override needs a
 * mapping is replaced by one. Each spliced path is recorded in the {@link SourceMap} with its
 * origin, so errors about it name the override instead of a line of the file.
 */
final class OverrideMerge {

    /** A mapping of overrides: each value is a {@link ConfigOverride} or a nested {@code Node}. */
    private record Node(String origin, Map<String, Object> children) {
    }

    private final ConfigYamlParser file;
    private final SourceMap sourceMap;
    private final TokenBuffer out;

    private OverrideMerge(ConfigYamlParser file, SourceMap sourceMap, TokenBuffer out) {
        this.file = file;
        this.sourceMap = sourceMap;
        this.out = out;
    }

    /**
     * Copies the value at the parser's current token (the file's top-level mapping) and everything
     * under it into {@code out}, with {@code overrides} applied.
     */
    static void copy(ConfigYamlParser file, ConfigOverrides overrides, SourceMap sourceMap, TokenBuffer out)
            throws IOException {
        new OverrideMerge(file, sourceMap, out).value(List.of(), tree(overrides));
    }

    /** Later overrides of the same path, or of a path above or below it, replace earlier ones. */
    private static Node tree(ConfigOverrides overrides) {
        Node root = new Node("", new LinkedHashMap<>());
        for (ConfigOverride override : overrides.list()) {
            Node node = root;
            List<String> path = override.path();
            for (String key : path.subList(0, path.size() - 1)) {
                Object child = node.children().get(key);
                if (!(child instanceof Node)) {
                    child = new Node(override.origin(), new LinkedHashMap<>());
                    node.children().put(key, child);
                }
                node = (Node) child;
            }
            node.children().put(path.get(path.size() - 1), override);
        }
        return root;
    }

    private void value(List<String> path, Object override) throws IOException {
        if (override == null) {
            out.copyCurrentStructure(file);
        } else if (override instanceof ConfigOverride leaf) {
            file.skipChildren();
            write(path, leaf);
        } else if (file.currentToken() == JsonToken.START_OBJECT) {
            mapping(path, (Node) override);
        } else {
            file.skipChildren();
            write(path, (Node) override);
        }
    }

    private void mapping(List<String> path, Node override) throws IOException {
        out.writeStartObject();
        Map<String, Object> missing = new LinkedHashMap<>(override.children());
        while (file.nextToken() == JsonToken.FIELD_NAME) {
            String key = file.currentName();
            out.writeFieldName(key);
            file.nextToken();
            value(child(path, key), missing.remove(key));
        }
        for (Map.Entry<String, Object> entry : missing.entrySet()) {
            out.writeFieldName(entry.getKey());
            writeSpliced(child(path, entry.getKey()), entry.getValue());
        }
        out.writeEndObject();
    }

    private void writeSpliced(List<String> path, Object override) throws IOException {
        if (override instanceof ConfigOverride leaf) {
            write(path, leaf);
        } else {
            write(path, (Node) override);
        }
    }

    private void write(List<String> path, ConfigOverride leaf) throws IOException {
        sourceMap.recordOverride(path, leaf.origin());
        out.writeString(leaf.value());
    }

    private void write(List<String> path, Node node) throws IOException {
        sourceMap.recordOverride(path, node.origin());
        out.writeStartObject();
        for (Map.Entry<String, Object> entry : node.children().entrySet()) {
            out.writeFieldName(entry.getKey());
            writeSpliced(child(path, entry.getKey()), entry.getValue());
        }
        out.writeEndObject();
    }

    private static List<String> child(List<String> path, String key) {
        List<String> child = new ArrayList<>(path);
        child.add(key);
        return child;
    }

    /** A parser over the merged tokens, at its first token. */
    static JsonParser read(TokenBuffer merged) throws IOException {
        JsonParser parser = merged.asParser();
        parser.nextToken();
        return parser;
    }
}
