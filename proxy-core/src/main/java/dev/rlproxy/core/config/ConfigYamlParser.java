package dev.rlproxy.core.config;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.NumberInput;
import com.fasterxml.jackson.core.util.JsonParserDelegate;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The YAML parser as the configuration binder sees it: string values come out with
 * {@code ${VAR}} substituted, every key and value's location is recorded in a {@link SourceMap},
 * and a key repeated within one mapping is an error at the repeat.
 *
 * <p>Substituting per token, rather than in the raw text, keeps every line and column exactly
 * where the user wrote it, and lets {@code limit: ${LIMIT:-10}} bind as a number (Jackson coerces
 * the string).
 */
final class ConfigYamlParser extends JsonParserDelegate {

    private final EnvSubstitution substitution;
    private final SourceMap sourceMap;
    private final List<ConfigError> envErrors = new ArrayList<>();
    /** The keys seen so far in each enclosing mapping (null for lists), innermost last. */
    private final Deque<Set<String>> keysSeen = new ArrayDeque<>();
    /** The current string value after substitution; null when the current token is no string. */
    private String substituted;

    ConfigYamlParser(JsonParser yaml, EnvSubstitution substitution, SourceMap sourceMap) {
        super(yaml);
        this.substitution = substitution;
        this.sourceMap = sourceMap;
    }

    /** Missing variables and malformed references met so far, each at its value. */
    List<ConfigError> envErrors() {
        return envErrors;
    }

    @Override
    public JsonToken nextToken() throws IOException {
        JsonToken token = delegate.nextToken();
        substituted = null;
        if (token == null) {
            return null;
        }
        if (token.isStructEnd()) {
            keysSeen.removeLast();
            return token;
        }
        List<String> path = KeyPath.of(delegate.getParsingContext());
        if (token == JsonToken.FIELD_NAME) {
            sourceMap.recordKey(path, delegate.currentTokenLocation());
            if (!keysSeen.getLast().add(delegate.currentName())) {
                throw new JsonParseException(this, KeyPath.render(path) + ": duplicate key",
                        delegate.currentTokenLocation());
            }
            return token;
        }
        sourceMap.recordValue(path, delegate.currentTokenLocation(), token.isStructStart());
        if (token.isStructStart()) {
            // ArrayDeque holds no nulls: lists get an empty set that never receives keys.
            keysSeen.addLast(new HashSet<>());
        }
        if (token == JsonToken.VALUE_STRING) {
            List<String> problems = new ArrayList<>();
            substituted = substitution.apply(delegate.getText(), problems);
            for (String problem : problems) {
                envErrors.add(sourceMap.errorAt(delegate.currentTokenLocation(),
                        KeyPath.render(path) + ": " + problem));
            }
        }
        return token;
    }

    /** Routed through {@link #nextToken()} so no value escapes substitution and recording. */
    @Override
    public JsonToken nextValue() throws IOException {
        JsonToken token = nextToken();
        return token == JsonToken.FIELD_NAME ? nextToken() : token;
    }

    /** Reads through the children instead of skipping them, keeping the key bookkeeping in step. */
    @Override
    public JsonParser skipChildren() throws IOException {
        JsonToken current = delegate.currentToken();
        if (current != null && current.isStructStart()) {
            for (int depth = 1; depth > 0; ) {
                JsonToken token = nextToken();
                depth += token.isStructStart() ? 1 : token.isStructEnd() ? -1 : 0;
            }
        }
        return this;
    }

    private boolean onSubstitutedString() {
        return substituted != null && delegate.currentToken() == JsonToken.VALUE_STRING;
    }

    @Override
    public String getText() throws IOException {
        return onSubstitutedString() ? substituted : delegate.getText();
    }

    @Override
    public int getText(Writer writer) throws IOException {
        if (!onSubstitutedString()) {
            return delegate.getText(writer);
        }
        writer.write(substituted);
        return substituted.length();
    }

    @Override
    public char[] getTextCharacters() throws IOException {
        return onSubstitutedString() ? substituted.toCharArray() : delegate.getTextCharacters();
    }

    @Override
    public int getTextLength() throws IOException {
        return onSubstitutedString() ? substituted.length() : delegate.getTextLength();
    }

    @Override
    public int getTextOffset() throws IOException {
        return onSubstitutedString() ? 0 : delegate.getTextOffset();
    }

    @Override
    public boolean hasTextCharacters() {
        return !onSubstitutedString() && delegate.hasTextCharacters();
    }

    @Override
    public String getValueAsString() throws IOException {
        return onSubstitutedString() ? substituted : delegate.getValueAsString();
    }

    @Override
    public String getValueAsString(String defaultValue) throws IOException {
        return onSubstitutedString() ? substituted : delegate.getValueAsString(defaultValue);
    }

    @Override
    public int getValueAsInt(int defaultValue) throws IOException {
        return onSubstitutedString() ? NumberInput.parseAsInt(substituted.strip(), defaultValue)
                : delegate.getValueAsInt(defaultValue);
    }

    @Override
    public int getValueAsInt() throws IOException {
        return getValueAsInt(0);
    }

    @Override
    public long getValueAsLong(long defaultValue) throws IOException {
        return onSubstitutedString() ? NumberInput.parseAsLong(substituted.strip(), defaultValue)
                : delegate.getValueAsLong(defaultValue);
    }

    @Override
    public long getValueAsLong() throws IOException {
        return getValueAsLong(0L);
    }
}
