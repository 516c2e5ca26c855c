package dev.rlproxy.core.config;

import dev.rlproxy.core.tokens.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every example users may copy from the top-level config/ folder loads. */
class ExampleConfigsTest {

    /** Surefire runs in proxy-core/, so the examples are one level up. */
    private static final Path EXAMPLES = Path.of("..", "config");

    /** What the examples' ${VARS} without defaults need. */
    private static final Map<String, String> ENV = Map.of(
            "GITHUB_TOKEN_1", "gh-1", "GITHUB_TOKEN_2", "gh-2", "DISCORD_BOT_TOKEN", "discord",
            "OPENAI_API_KEY", "sk-1", "ADMIN_TOKEN", "admin", "GITHUB_APP_ID", "12345",
            "GITHUB_APP_KEY", TestKeys.generate().pkcs1Pem());

    static Stream<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            return files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted()
                    .toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    void loads(Path example) {
        ProxyConfig config = ConfigLoader.load(example, ENV);
        assertThat(config.routes()).isNotEmpty();
    }

    @Test
    void theDocumentedExamplesAreAllThere() throws IOException {
        assertThat(examples().map(p -> p.getFileName().toString()))
                .contains("demo.yaml", "github.yaml", "discord.yaml", "openai.yaml", "multi-replica.yaml",
                        "github-app.yaml", "command.yaml");
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
    void generatedCredentialExamples() {
        TokensConfig app = ConfigLoader.load(EXAMPLES.resolve("github-app.yaml"), ENV).upstreams().get("github").tokens();
        assertThat(app.githubApp().appId()).isEqualTo("12345");
        assertThat(app.githubApp().installations()).hasSize(2);
        TokensConfig command = ConfigLoader.load(EXAMPLES.resolve("command.yaml"), ENV).upstreams().get("github").tokens();
        assertThat(command.command().run()).containsExactly("gh", "auth", "token");
    }

    @Test
    void examplesNeedTheirSecretsFromTheEnvironment() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> ConfigLoader.load(EXAMPLES.resolve("github.yaml"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).errors()).extracting(ConfigError::message)
                        .allMatch(m -> m.contains("GITHUB_TOKEN_")).hasSize(2));
    }
}
