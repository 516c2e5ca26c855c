package dev.rlproxy.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.rlproxy.core.config.ProxyConfig;
import dev.rlproxy.core.config.StoreType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deployment files, checked without a container engine: docker-compose.yml (and its GitHub
 * overlay) has the services, health checks, start order and volumes the README describes, and each
 * config file it mounts exists and passes {@code validate} with the environment compose gives it;
 * the Dockerfile builds and runs what the README says. (CI also runs {@code docker-compose config -q}.)
 */
class DeploymentFilesTest {

    /** Surefire runs in proxy-server/, so the repository root is one level up. */
    private static final Path ROOT = Path.of("..");
    private static final String CONFIG_TARGET = "/etc/rlproxy/config.yaml";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** {@code ${VAR}}, {@code ${VAR:-default}}, {@code ${VAR:?message}}: compose's interpolation. */
    private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::([-?])([^}]*))?}");

    private static JsonNode compose(String file) throws IOException {
        return YAML.readTree(ROOT.resolve(file).toFile());
    }

    /** The proxy services: those that mount a configuration at the image's config path. */
    private static Map<String, JsonNode> proxies(JsonNode compose) {
        Map<String, JsonNode> proxies = new HashMap<>();
        compose.get("services").fields().forEachRemaining(service -> {
            if (mountedConfig(service.getValue()) != null) {
                proxies.put(service.getKey(), service.getValue());
            }
        });
        return proxies;
    }

    private static String mountedConfig(JsonNode service) {
        for (JsonNode volume : service.path("volumes")) {
            String[] parts = volume.asText().split(":");
            if (parts.length >= 2 && parts[1].equals(CONFIG_TARGET)) {
                return parts[0];
            }
        }
        return null;
    }

    /** A value as compose interpolates it from {@code env} (defaults applied; a missing required one fails). */
    private static String interpolate(String value, Map<String, String> env) {
        Matcher m = INTERPOLATION.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String set = env.get(m.group(1));
            boolean empty = set == null || set.isEmpty();
            String replacement;
            if ("-".equals(m.group(2))) {
                replacement = empty ? m.group(3) : set;
            } else {
                assertThat(set).as("%s must be set (%s)", m.group(1), m.group(3)).isNotNull();
                replacement = set;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        return m.appendTail(out).toString();
    }

    private static Map<String, String> environment(JsonNode service, Map<String, String> env) {
        Map<String, String> values = new HashMap<>();
        service.path("environment").fields().forEachRemaining(e -> values.put(e.getKey(),
                interpolate(e.getValue().asText(), env)));
        return values;
    }

    /** What {@code validate --config FILE} does inside the container, with {@code env} as its environment. */
    private static ProxyConfig validate(String hostPath, Map<String, String> env) {
        Path file = ROOT.resolve(hostPath);
        assertThat(file).as("mounted config %s", hostPath).isRegularFile();
        ConfigOptions options = new ConfigOptions();
        options.file = file;
        return options.load(env);
    }

    private static List<String> texts(JsonNode list) {
        return StreamSupport.stream(list.spliterator(), false).map(JsonNode::asText).toList();
    }

    @Test
    void redisPersistsAppendOnlyToANamedVolumeAndReportsHealth() throws IOException {
        JsonNode compose = compose("docker-compose.yml");
        JsonNode redis = compose.get("services").get("redis");
        assertThat(texts(redis.get("command"))).containsSequence("--appendonly", "yes");
        assertThat(texts(redis.get("volumes"))).containsExactly("redis-data:/data");
        assertThat(compose.get("volumes").has("redis-data")).isTrue();
        assertThat(texts(redis.get("healthcheck").get("test"))).containsExactly("CMD", "redis-cli", "ping");
    }

    @Test
    void twoReplicasStartAfterRedisAndTheUpstreamAreHealthyAndProbeHealthz() throws IOException {
        JsonNode compose = compose("docker-compose.yml");
        Map<String, JsonNode> proxies = proxies(compose);
        assertThat(proxies).containsOnlyKeys("proxy-1", "proxy-2");
        Set<String> published = new TreeSet<>();
        for (JsonNode proxy : proxies.values()) {
            for (String dependency : List.of("redis", "upstream")) {
                assertThat(proxy.get("depends_on").get(dependency).get("condition").asText())
                        .isEqualTo("service_healthy");
                assertThat(compose.get("services").get(dependency).has("healthcheck")).isTrue();
            }
            assertThat(String.join(" ", texts(proxy.get("healthcheck").get("test"))))
                    .contains("http://127.0.0.1:9090/healthz");
            published.addAll(texts(proxy.get("ports")));
        }
        assertThat(published).containsExactlyInAnyOrder("127.0.0.1:8081:8080", "127.0.0.1:9091:9090",
                "127.0.0.1:8082:8080", "127.0.0.1:9092:9090");
    }

    @Test
    void everyMountedConfigValidatesWithTheEnvironmentComposeGivesIt() throws IOException {
        JsonNode compose = compose("docker-compose.yml");
        JsonNode services = compose.get("services");
        Map<String, JsonNode> proxies = proxies(compose);
        for (JsonNode proxy : proxies.values()) {
            ProxyConfig config = validate(mountedConfig(proxy), environment(proxy, Map.of()));
            assertThat(config.admin().requiresAuth()).isTrue();
            assertThat(config.store().type()).isEqualTo(StoreType.REDIS);
            assertThat(config.store().redis().expectedReplicas()).isEqualTo(proxies.size());
            assertThat(services.has(URI.create(config.store().redis().uri()).getHost())).isTrue();
            // The demo needs no real keys: the upstream is the simulator service, with the pool's tokens.
            URI upstream = config.upstreams().get("github").url();
            JsonNode simulator = services.get(upstream.getHost());
            List<String> command = texts(simulator.get("command"));
            assertThat(command).startsWith("simulate").containsSequence("--host", "0.0.0.0")
                    .containsSequence("--port", String.valueOf(upstream.getPort()));
            assertThat(command.get(command.indexOf("--tokens") + 1).split(","))
                    .containsExactlyElementsOf(config.upstreams().get("github").tokens().staticTokens());
        }
    }

    @Test
    void theGitHubOverlayMountsItsConfigAndTakesTheTokensFromDotEnv() throws IOException {
        Properties dotEnv = new Properties();
        try (var in = Files.newBufferedReader(ROOT.resolve(".env.example"))) {
            dotEnv.load(in);
        }
        Map<String, String> env = new HashMap<>();
        dotEnv.forEach((k, v) -> env.put((String) k, (String) v));
        JsonNode base = compose("docker-compose.yml").get("services");
        JsonNode overlay = compose("docker-compose.github.yml").get("services");
        assertThat(overlay.fieldNames()).toIterable().containsExactlyInAnyOrder("proxy-1", "proxy-2");
        for (String name : List.of("proxy-1", "proxy-2")) {
            Map<String, String> serviceEnv = environment(base.get(name), env);
            serviceEnv.putAll(environment(overlay.get(name), env));
            ProxyConfig config = validate(mountedConfig(overlay.get(name)), serviceEnv);
            assertThat(config.upstreams().get("github").url().toString()).isEqualTo("https://api.github.com");
            assertThat(config.upstreams().get("github").tokens().staticTokens())
                    .containsExactly(env.get("GITHUB_TOKEN_1"), env.get("GITHUB_TOKEN_2"));
        }
        assertThat(Files.readAllLines(ROOT.resolve(".gitignore"))).contains(".env");
    }

    @Test
    void theDockerfileBuildsWithTheWrapperAndRunsAsNonRootWithAHealthcheck() throws IOException {
        List<String> lines = dockerfileInstructions();
        assertThat(lines).anyMatch(l -> l.matches("FROM eclipse-temurin:17-jdk\\S* AS build"))
                .anyMatch(l -> l.startsWith("RUN ") && l.contains("./mvnw -B -q package -DskipTests")
                        && l.contains("proxy-server/target/proxy.jar"))
                .anyMatch(l -> l.matches("FROM eclipse-temurin:17-jre\\S*"))
                .anyMatch(l -> l.startsWith("ENV JAVA_TOOL_OPTIONS=") && l.contains("-XX:MaxRAMPercentage=")
                        && l.contains("-XX:+UseContainerSupport"))
                .anyMatch(l -> l.startsWith("HEALTHCHECK ") && l.contains("curl -fsS")
                        && l.contains("http://127.0.0.1:9090/healthz"))
                .contains("ENTRYPOINT [\"java\", \"-jar\", \"/opt/rlproxy/proxy.jar\"]",
                        "CMD [\"run\", \"--config\", \"" + CONFIG_TARGET + "\"]");
        // The last USER wins, and it is not root.
        String user = lines.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElseThrow();
        assertThat(user).doesNotContain("root").doesNotMatch("USER 0(:.*)?");
        assertThat(Files.readAllLines(ROOT.resolve(".dockerignore"))).contains("**/target/", ".env", ".git");
        // The jar the build copies is the one the shade plugin writes.
        assertThat(Files.readString(ROOT.resolve("proxy-server/pom.xml"))).contains("<finalName>proxy</finalName>");
    }

    /** The Dockerfile's instructions, continuation lines joined, comments left out. */
    private static List<String> dockerfileInstructions() throws IOException {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(ROOT.resolve("Dockerfile"))) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || trimmed.isEmpty()) {
                continue;
            }
            boolean continues = trimmed.endsWith("\\");
            current.append(continues ? trimmed.substring(0, trimmed.length() - 1).strip() + " " : trimmed);
            if (!continues) {
                instructions.add(current.toString());
                current.setLength(0);
            }
        }
        return instructions;
    }
}
