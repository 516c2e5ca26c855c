package dev.rlproxy.core.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@code --set key.path=value} and {@code RLPROXY_…} variables: applied, and checked like the file. */
class ConfigOverridesTest {

    private static final Set<String> LOG_VARIABLES = Set.of("RLPROXY_LOG_FORMAT", "RLPROXY_LOG_LEVEL");
    private static final String SECRET = "s3cret-admin-token";

    @TempDir
    Path dir;

    private ProxyConfig load(String yaml, List<String> sets, Map<String, String> env) {
        return ConfigLoader.load(ConfigFiles.write(dir, yaml), Map.of(), ConfigOverrides.of(sets, env, LOG_VARIABLES));
    }

    private List<String> errors(String yaml, List<String> sets, Map<String, String> env) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(yaml, sets, env));
        assertThat(e).as("expected the overrides to be rejected").isNotNull();
        assertThat(e.getMessage()).doesNotContain(SECRET);
        return e.errors().stream().map(ConfigError::toString).toList();
    }

    @Test
    void setReplacesAValueTheFileHas() {
        String yaml = "server:\n  listen: \"127.0.0.1:8080\"\n" + ConfigFiles.MINIMAL;
        ProxyConfig config = load(yaml, List.of("server.listen=0.0.0.0:18080"), Map.of());
        assertThat(config.server().listen().host()).isEqualTo("0.0.0.0");
        assertThat(config.server().listen().port()).isEqualTo(18080);
    }

    @Test
    void setAddsKeysAndTheMappingsAboveThemWhereTheFileHasNone() {
        ProxyConfig config = load(ConfigFiles.MINIMAL, List.of("store.type=redis",
                "store.redis.uri=redis://redis:6379", "store.redis.expectedReplicas=3", "queue.maxWait=5s",
                "server.trustForwardedHeaders=true"), Map.of());
        assertThat(config.store().type()).isEqualTo(StoreType.REDIS);
        assertThat(config.store().redis().expectedReplicas()).isEqualTo(3);
        assertThat(config.queue().maxWait()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.server().trustForwardedHeaders()).isTrue();
    }

    @Test
    void setReachesIntoNamedUpstreamsAndReplacesAScalarWhereAMappingIsNeeded() {
        String yaml = ConfigFiles.MINIMAL + "queue: ~\n";
        ProxyConfig config = load(yaml, List.of("upstreams.api.url=https://other.example.com", "queue.maxDepth=7"),
                Map.of());
        assertThat(config.upstreams().get("api").url().getHost()).isEqualTo("other.example.com");
        assertThat(config.queue().maxDepth()).isEqualTo(7);
    }

    @Test
    void variablesSetTheirKeysAndSetWinsOverThem() {
        ProxyConfig config = load(ConfigFiles.MINIMAL, List.of("admin.listen=127.0.0.1:19091"), Map.of(
                "RLPROXY_LISTEN", "0.0.0.0:18081", "RLPROXY_ADMIN_LISTEN", "0.0.0.0:19090",
                "RLPROXY_ADMIN_TOKEN", SECRET, "RLPROXY_REDIS_URI", "redis://cache:6380",
                "RLPROXY_STORE_TYPE", "redis", "RLPROXY_LOG_LEVEL", "debug", "UNRELATED", "x"));
        assertThat(config.server().listen().port()).isEqualTo(18081);
        assertThat(config.admin().listen().port()).isEqualTo(19091);
        assertThat(config.admin().authToken()).isEqualTo(SECRET);
        assertThat(config.store().type()).isEqualTo(StoreType.REDIS);
        assertThat(config.store().redis().uri()).isEqualTo("redis://cache:6380");
    }

    @Test
    void anEmptyVariableCountsAsUnset() {
        String yaml = "server:\n  listen: \"127.0.0.1:18082\"\n" + ConfigFiles.MINIMAL;
        assertThat(load(yaml, List.of(), Map.of("RLPROXY_LISTEN", "")).server().listen().port()).isEqualTo(18082);
    }

    @Test
    void invalidValuesAreReportedWithTheFilesMessagesNamingTheOverride() {
        assertThat(errors(ConfigFiles.MINIMAL, List.of("server.listen=nowhere"), Map.of()))
                .singleElement().asString().startsWith("--set: server.listen: expected host:port");
        assertThat(errors(ConfigFiles.MINIMAL, List.of(), Map.of("RLPROXY_LISTEN", "127.0.0.1:99999")))
                .singleElement().asString().startsWith("RLPROXY_LISTEN: server.listen: ");
        assertThat(errors(ConfigFiles.MINIMAL, List.of("queue.maxWait=30"), Map.of()))
                .containsExactly("--set: queue.maxWait: expected a duration like 30s, 500ms, 1m30s (units: ms s m h d),"
                        + " got '30'");
        assertThat(errors(ConfigFiles.MINIMAL, List.of("queue.maxDepth=many"), Map.of()))
                .containsExactly("--set: queue.maxDepth: expected a whole number");
        assertThat(errors(ConfigFiles.MINIMAL, List.of(), Map.of("RLPROXY_REDIS_URI", SECRET)))
                .singleElement().asString().startsWith("RLPROXY_REDIS_URI: store.redis.uri: ");
    }

    @Test
    void unknownKeysFromOverridesAreReportedWithTheFileOnes() {
        String yaml = ConfigFiles.MINIMAL + "queue:\n  maxWiat: 1s\n";
        List<String> errors = errors(yaml, List.of("server.lisen=" + SECRET, "admin.authToken=" + SECRET), Map.of());
        assertThat(errors).hasSize(2);
        assertThat(errors.get(0)).isEqualTo("--set: server.lisen: unknown key, did you mean 'listen'?");
        assertThat(errors.get(1)).endsWith(".yaml:8:3: queue.maxWiat: unknown key, did you mean 'maxWait'?");
    }

    @Test
    void aPublicAdminListenerStillNeedsItsToken() {
        List<String> errors = errors(ConfigFiles.MINIMAL, List.of(), Map.of("RLPROXY_ADMIN_LISTEN", "0.0.0.0:9090"));
        assertThat(errors).singleElement().asString().contains("admin.authToken");
        assertThat(load(ConfigFiles.MINIMAL, List.of(), Map.of("RLPROXY_ADMIN_LISTEN", "0.0.0.0:9090",
                "RLPROXY_ADMIN_TOKEN", SECRET)).admin().requiresAuth()).isTrue();
    }

    @Test
    void malformedArgumentsAndUnknownVariablesAreRefusedWithoutEchoingThem() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigOverrides.of(
                List.of(SECRET, "routes[0].upstream=x", "=" + SECRET, "server..listen=" + SECRET),
                Map.of("RLPROXY_ADMIN_TOKN", SECRET, "RLPROXY_LOG_FORMAT", "json"), LOG_VARIABLES));
        assertThat(e.getMessage()).doesNotContain(SECRET);
        // One line per distinct problem: the two malformed paths share theirs.
        assertThat(e.errors()).extracting(ConfigError::file).containsExactlyInAnyOrder(
                "RLPROXY_ADMIN_TOKN", "--set", "--set");
        assertThat(e.getMessage())
                .contains("RLPROXY_ADMIN_TOKN: unknown variable, did you mean 'RLPROXY_ADMIN_TOKEN'?")
                .contains("--set: list items cannot be set from outside the file")
                .contains("--set: expected key.path=value");
    }

    @Test
    void overrideValuesAreLiteralAndNeverInToString() {
        ConfigOverrides overrides = ConfigOverrides.of(List.of("admin.authToken=${NOT_A_VARIABLE}"), Map.of(),
                Set.of());
        assertThat(overrides.toString()).isEqualTo("[--set admin.authToken]");
        ProxyConfig config = ConfigLoader.load(ConfigFiles.write(dir, ConfigFiles.MINIMAL), Map.of(), overrides);
        assertThat(config.admin().authToken()).isEqualTo("${NOT_A_VARIABLE}");
    }
}
