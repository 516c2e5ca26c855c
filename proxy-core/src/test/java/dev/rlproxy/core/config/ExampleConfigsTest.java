package dev.rlproxy.core.config;

import dev.rlproxy.core.tokens.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every example users may copy from the top-level config/ folder loads. */
class ExampleConfigsTest {

    /** Surefire runs in proxy-core/, so the examples are one level up. */
    private static final Path EXAMPLES = Path.of("..", "config");

    /** What the examples' ${VARS} without defaults need. */
    private static final Map<String, String> ENV = Map.of(
            "GITHUB_TOKEN_1", "gh-1", "GITHUB_TOKEN_2", "gh-2", "DISCORD_BOT_TOKEN", "discord",
            "OPENAI_API_KEY", "sk-1", "ADMIN_TOKEN", "admin", "GITHUB_APP_ID", "12345",
            "GITHUB_APP_KEY", TestKeys.generate().pkcs1Pem(), "RLPROXY_ADMIN_TOKEN", "admin");

    /** {@code NAME=value} in a file's leading comment: how each example documents its variables. */
    private static final Pattern DOCUMENTED = Pattern.compile("\\b([A-Z][A-Z0-9_]*)=(\\S*)");
    /** A {@code ${NAME}} without default in a value (comments left out): the file cannot load without it. */
    private static final Pattern REQUIRED = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    private static final Set<String> LOG_VARIABLES = Set.of("RLPROXY_LOG_FORMAT", "RLPROXY_LOG_LEVEL");

    /**
     * The variables the file's leading comment documents, each set to the value shown there, or
     * where that is elided ({@code ghp_...}, {@code "$(cat key.pem)"}) to a value of the right shape.
     */
    private static Map<String, String> documentedEnvironment(Path example) throws IOException {
        Map<String, String> env = new TreeMap<>();
        for (String line : Files.readAllLines(example)) {
            if (!line.startsWith("#")) {
                break;
            }
            Matcher names = DOCUMENTED.matcher(line);
            while (names.find()) {
                String shown = names.group(2);
                boolean elided = shown.isEmpty() || shown.contains("...") || shown.contains("$(");
                env.put(names.group(1), elided ? ENV.getOrDefault(names.group(1), "placeholder") : shown);
            }
        }
        return env;
    }

    private static Set<String> requiredVariables(Path example) throws IOException {
        Set<String> required = new TreeSet<>();
        for (String line : Files.readAllLines(example)) {
            int comment = line.indexOf('#');
            Matcher names = REQUIRED.matcher(comment < 0 ? line : line.substring(0, comment));
            while (names.find()) {
                required.add(names.group(1));
            }
        }
        return required;
    }

    /**
     * What {@code validate} does with the variables the file documents set: its {@code ${VARS}}
     * substituted and its {@code RLPROXY_…} variables applied as overrides.
     */
    @ParameterizedTest
    @MethodSource("examples")
    void validatesWithTheVariablesItDocuments(Path example) throws IOException {
        Map<String, String> env = documentedEnvironment(example);
        assertThat(env.keySet()).as("variables documented in the leading comment of %s", example)
                .containsAll(requiredVariables(example));
        ProxyConfig config = ConfigLoader.load(example, env, ConfigOverrides.of(List.of(), env, LOG_VARIABLES));
        assertThat(config.routes()).isNotEmpty();
    }

    static Stream<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            return files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted()
                    .toList().stream();
        }
    }

    @Test
    void theDocumentedExamplesAreAllThere() throws IOException {
        assertThat(examples().map(p -> p.getFileName().toString()))
                .contains("demo.yaml", "github.yaml", "discord.yaml", "openai.yaml", "multi-replica.yaml",
                        "github-app.yaml", "command.yaml", "compose.yaml", "compose-github.yaml");
    }

    @Test
    void demoPointsAtTheSimulatorWithTwoTokens() {
        ProxyConfig demo = ConfigLoader.load(EXAMPLES.resolve("demo.yaml"), Map.of("SIM_PORT", "18089"));
        UpstreamConfig github = demo.upstreams().get("github");
        assertThat(github.url().toString()).isEqualTo("http://127.0.0.1:18089");
        assertThat(github.tokens().staticTokens()).hasSize(2);
        assertThat(demo.routes()).extracting(r -> r.match().pathPrefix()).containsExactly("/github/");
        assertThat(ConfigLoader.load(EXAMPLES.resolve("demo.yaml"), Map.of()).upstreams().get("github").url().getPort())
                .isEqualTo(8089);
    }

    @Test
    void multiReplicaUsesRedis() {
        ProxyConfig config = ConfigLoader.load(EXAMPLES.resolve("multi-replica.yaml"), ENV);
        assertThat(config.store().type()).isEqualTo(StoreType.REDIS);
        assertThat(config.admin().requiresAuth()).isTrue();
        assertThat(config.store().redis().expectedReplicas()).isEqualTo(3);
        assertThat(config.store().redis().onFailure()).isEqualTo(FailureMode.LOCAL_SHARE);
        assertThat(config.store().redis().parsedUri().form()).isEqualTo(RedisUri.Form.STANDALONE);
        assertThat(config.upstreams().get("github").tokens().staticTokens()).hasSize(2);
    }

    @Test
    void theComposeConfigNeedsItsAdminTokenFromTheEnvironment() throws IOException {
        Path compose = EXAMPLES.resolve("compose.yaml");
        assertThat(documentedEnvironment(compose)).containsOnlyKeys("RLPROXY_ADMIN_TOKEN");
        assertThatThrownBy(() -> ConfigLoader.load(compose, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("admin.authToken");
        ProxyConfig config = ConfigLoader.load(compose, Map.of(),
                ConfigOverrides.of(List.of(), Map.of("RLPROXY_ADMIN_TOKEN", "admin"), LOG_VARIABLES));
        assertThat(config.store().type()).isEqualTo(StoreType.REDIS);
        assertThat(config.store().redis().expectedReplicas()).isEqualTo(2);
    }

    @Test
    void generatedCredentialExamples() {
        TokensConfig app = ConfigLoader.load(EXAMPLES.resolve("github-app.yaml"), ENV).upstreams().get("github").tokens();
        assertThat(app.githubApp().appId()).isEqualTo("12345");
        assertThat(app.githubApp().installations()).hasSize(2);
        TokensConfig command = ConfigLoader.load(EXAMPLES.resolve("command.yaml"), ENV).upstreams().get("github").tokens();
        assertThat(command.command().run()).containsExactly("gh", "auth", "token");
    }

    @Test
    void examplesNeedTheirSecretsFromTheEnvironment() {
        assertThatThrownBy(
                        () -> ConfigLoader.load(EXAMPLES.resolve("github.yaml"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).errors()).extracting(ConfigError::message)
                        .allMatch(m -> m.contains("GITHUB_TOKEN_")).hasSize(2));
    }
}
