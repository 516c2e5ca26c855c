package dev.rlproxy.core.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.util.TokenBuffer;

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
 * <p>The file is read once, into a token buffer: this checks the YAML syntax and the top-level
 * shape, substitutes every {@code ${VAR}} (so all missing variables are reported together) and
 * splices in the {@link ConfigOverrides}. The buffer is then checked for unknown keys (all reported
 * together, even those whose typo also leaves a record invalid) and bound to the records, unless a
 * problem other than unknown keys was found; binding stops at the first invalid value, and a record
 * that validates several things (e.g. routes naming unknown upstreams) reports all of them,
 * alongside the unknown keys. Overrides thus meet exactly the checks the file does.
 */
public final class ConfigLoader {

    private static final String SECTIONS = "server, admin, store, queue, upstreams, routes, usage";

    private ConfigLoader() {
    }

    /** Loads {@code file}, substituting {@code ${VAR}} from {@code env}. */
    public static ProxyConfig load(Path file, Map<String, String> env) {
        return load(file, env, ConfigOverrides.none());
    }

    /**
     * Loads {@code file}, substituting {@code ${VAR}} from {@code env}, with {@code overrides} in
     * place of the file's values (errors about them name the override, never its value).
     */
    public static ProxyConfig load(Path file, Map<String, String> env, ConfigOverrides overrides) {
        String source = file.toString();
        String text = read(file, source);
        SourceMap sourceMap = new SourceMap(source);
        TokenBuffer merged = new TokenBuffer(ConfigMapper.MAPPER, false);
        List<ConfigError> errors = readAndMerge(text, new EnvSubstitution(env), overrides, sourceMap, merged);
        List<ConfigError> unknownKeys = unknownKeys(merged, sourceMap);
        if (!errors.isEmpty()) {
            errors.addAll(unknownKeys);
            throw new ConfigException(errors);
        }
        return bind(merged, sourceMap, file.toAbsolutePath().getParent(), unknownKeys)
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
     * Copies the file, overrides spliced in, into {@code merged} (as far as its syntax allows) and
     * returns the problems that stop it from being bound.
     */
    private static List<ConfigError> readAndMerge(String text, EnvSubstitution substitution, ConfigOverrides overrides,
                                                  SourceMap sourceMap, TokenBuffer merged) {
        List<ConfigError> errors = new ArrayList<>();
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
                OverrideMerge.copy(parser, overrides, sourceMap, merged);
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
        return errors;
    }

    /** The unknown keys of what was read, even if the file broke off early with a syntax error. */
    private static List<ConfigError> unknownKeys(TokenBuffer merged, SourceMap sourceMap) {
        List<ConfigError> unknownKeys = new ArrayList<>();
        try (JsonParser parser = OverrideMerge.read(merged)) {
            if (parser.currentToken() == JsonToken.START_OBJECT) {
                UnknownKeyCheck.check(parser, sourceMap, ConfigShape.FILE, unknownKeys);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return unknownKeys;
    }

    private static ProxyConfig bind(TokenBuffer merged, SourceMap sourceMap, Path baseDir,
                                    List<ConfigError> unknownKeys) {
        List<ConfigError> errors = new ArrayList<>(unknownKeys);
        ProxyConfig config = null;
        try (JsonParser parser = merged.asParser()) {
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
