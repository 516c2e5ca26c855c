package dev.rlproxy.core.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Loads a {@link ProxyConfig} from a YAML file, or fails with every problem found as
 * {@code FILE:LINE:COLUMN: message}.
 *
 * <p>The file is read twice. The first pass checks the YAML syntax, the top-level shape, every
 * {@code ${VAR}} (so all missing variables are reported together) and every key (so all unknown
 * keys are reported together, even those whose typo also leaves a record invalid). The second
 * binds the records, unless the first found a problem other than unknown keys; binding stops at
 * the first invalid value, and a record that validates several things (e.g. routes naming unknown
 * upstreams) reports all of them, alongside the unknown keys.
 */
public final class ConfigLoader {

    private static final String SECTIONS = "server, admin, store, queue, upstreams, routes, usage";

    private ConfigLoader() {
    }

    /** Loads {@code file}, substituting variables from the process environment. */
    public static ProxyConfig load(Path file) {
        return load(file, System.getenv());
    }

    /** Loads {@code file}, substituting {@code ${VAR}} from {@code env}. */
    public static ProxyConfig load(Path file, Map<String, String> env) {
        String source = file.toString();
        String text = read(file, source);
        EnvSubstitution substitution = new EnvSubstitution(env);
        List<ConfigError> unknownKeys = checkShapeVariablesAndKeys(text, source, substitution);
        return bind(text, source, substitution, file.toAbsolutePath().getParent(), unknownKeys)
                .readFrom(file.toAbsolutePath());
    }

    private static String read(Path file, String source) {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw fileError(source, "config file not found");
        } catch (MalformedInputException e) {
            throw fileError(source, "config file is not UTF-8 text");
        } catch (IOException e) {
            throw fileError(source, "cannot read config file: " + e.getMessage());
        }
    }

    private static ConfigException fileError(String source, String message) {
        return new ConfigException(List.of(new ConfigError(source, 1, 1, message)));
    }

    /**
     * Returns the unknown keys, which still let the file be bound (to report invalid values beside
     * them); throws with everything found if the file has a problem that does not.
     */
    private static List<ConfigError> checkShapeVariablesAndKeys(String text, String source,
                                                                EnvSubstitution substitution) {
        SourceMap sourceMap = new SourceMap(source);
        List<ConfigError> errors = new ArrayList<>();
        List<ConfigError> unknownKeys = new ArrayList<>();
        ConfigYamlParser parser = open(text, substitution, sourceMap);
        try (parser) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                errors.add(sourceMap.errorAt((JsonLocation) null, "config file is empty; expected " + SECTIONS));
            } else if (first != JsonToken.START_OBJECT) {
                errors.add(sourceMap.errorAt(parser.currentTokenLocation(),
                        "expected a mapping of sections (" + SECTIONS + ") at the top level"));
            } else {
                // Reads every token, so each string is substituted.
                UnknownKeyCheck.check(parser, ConfigShape.FILE, unknownKeys);
                if (parser.nextToken() != null) {
                    errors.add(sourceMap.errorAt(parser.currentTokenLocation(),
                            "only one YAML document per config file"));
                }
            }
        } catch (JsonProcessingException e) {
            errors.add(ErrorTranslator.syntaxError(e, sourceMap));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        errors.addAll(parser.envErrors());
        if (!errors.isEmpty()) {
            errors.addAll(unknownKeys);
            throw new ConfigException(errors);
        }
        return unknownKeys;
    }

    private static ProxyConfig bind(String text, String source, EnvSubstitution substitution, Path baseDir,
                                    List<ConfigError> unknownKeys) {
        SourceMap sourceMap = new SourceMap(source);
        List<ConfigError> errors = new ArrayList<>(unknownKeys);
        ProxyConfig config = null;
        try (ConfigYamlParser parser = open(text, substitution, sourceMap)) {
            config = ConfigMapper.MAPPER.readerFor(ProxyConfig.class)
                    .withAttribute(TokenFileDeserializer.BASE_DIR_ATTRIBUTE, baseDir)
                    .readValue(parser);
        } catch (JsonProcessingException e) {
            errors.addAll(ErrorTranslator.translate(e, sourceMap));
        } catch (InvalidConfigException e) {
            errors.addAll(ErrorTranslator.violations(List.of(), e, sourceMap));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        return config;
    }

    private static ConfigYamlParser open(String text, EnvSubstitution substitution, SourceMap sourceMap) {
        try {
            JsonParser yaml = ConfigMapper.MAPPER.getFactory().createParser(text);
            return new ConfigYamlParser(yaml, substitution, sourceMap);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
