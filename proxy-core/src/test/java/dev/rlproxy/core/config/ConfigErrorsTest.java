package dev.rlproxy.core.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.rlproxy.core.config.ConfigFiles.MINIMAL;
import static dev.rlproxy.core.config.ConfigFiles.errors;
import static dev.rlproxy.core.config.ConfigFiles.located;
import static org.assertj.core.api.Assertions.assertThat;

/** Every kind of error, at its exact line and column. */
class ConfigErrorsTest {

    @TempDir
    Path dir;

    private List<String> problems(String yaml) {
        return located(errors(dir, yaml));
    }

    private List<String> problems(String yaml, Map<String, String> env) {
        return located(errors(dir, yaml, env));
    }

    /** MINIMAL with {@code extra} added under upstreams.api (indented by the caller to 4 spaces). */
    private static String withUpstreamKeys(String extra) {
        return MINIMAL.replace("    url: \"https://api.example.com\"\n", "    url: \"https://api.example.com\"\n" + extra);
    }

    @Test
    void missingFile() {
        Path missing = dir.resolve("nope.yaml");
        ConfigException e = org.assertj.core.api.Assertions.catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.load(missing, Map.of()));
        assertThat(e.getMessage()).isEqualTo(missing + ":1:1: config file not found");
        assertThat(e.errors()).containsExactly(new ConfigError(missing.toString(), 1, 1, "config file not found"));
    }

    @Test
    void emptyAndCommentOnlyFiles() {
        String expected = "1:1: config file is empty; expected server, admin, store, queue, upstreams, routes, usage";
        assertThat(problems("")).containsExactly(expected);
        assertThat(problems("# nothing here\n\n")).containsExactly(expected);
    }

    @Test
    void topLevelMustBeOneMapping() {
        assertThat(problems("- server\n")).containsExactly(
                "1:1: expected a mapping of sections (server, admin, store, queue, upstreams, routes, usage) at the top level");
        assertThat(problems(MINIMAL + "---\nserver: {}\n")).containsExactly(
                "8:1: only one YAML document per config file");
    }

    @Test
    void yamlSyntaxErrorAtTheProblem() {
        assertThat(problems("""
                server:
                  listen: "127.0.0.1:8080"
                  maxRequestBody: a: b
                """)).containsExactly("3:20: YAML syntax error: mapping values are not allowed here");
    }

    @Test
    void duplicateKeyAtTheRepeat() {
        assertThat(problems("""
                server:
                  listen: "127.0.0.1:8080"
                  listen: "127.0.0.1:8081"
                """)).containsExactly("3:3: server.listen: duplicate key");
    }

    @Test
    void unknownKeysAreAllReportedWithSuggestions() {
        assertThat(problems("""
                server:
                  listn: "127.0.0.1:8080"
                  max-request-body: 1MiB
                queue: { depth: 3 }
                upstreams:
                  api:
                    url: "https://api.example.com"
                    tokens: { static: [a], defaultLimt: 5, inject: { header: X, format: "{token}", extra: 1 } }
                routes:
                  - match: { pathPrefix: "/api/" }
                    upstream: api
                    colour: blue
                """)).containsExactly(
                "2:3: server.listn: unknown key, did you mean 'listen'?",
                "3:3: server.max-request-body: unknown key, did you mean 'maxRequestBody'?",
                "4:10: queue.depth: unknown key; expected one of: maxDepth, maxWait",
                "8:28: upstreams.api.tokens.defaultLimt: unknown key, did you mean 'defaultLimit'?",
                "8:84: upstreams.api.tokens.inject.extra: unknown key; expected one of: format, header",
                "12:5: routes[0].colour: unknown key; expected one of: match, tokens, upstream");
    }

    /** Unknown keys before and after the keys a record needs, each at its own location. */
    @Test
    void unknownKeysBeforeAndAfterARecordIsComplete() {
        assertThat(problems(withUpstreamKeys("""
                    tokens:
                      static: [a]
                      inject:
                        early: 1
                        header: X-Key
                        format: "{token}"
                        late: 2
                """))).containsExactly(
                "7:9: upstreams.api.tokens.inject.early: unknown key; expected one of: format, header",
                "10:9: upstreams.api.tokens.inject.late: unknown key; expected one of: format, header");
    }

    @Test
    void unknownTopLevelSection() {
        assertThat(problems(MINIMAL + "servr: {}\n")).containsExactly("7:1: servr: unknown key, did you mean 'server'?");
    }

    @Test
    void upstreamNameIsItsKeyNotAKey() {
        assertThat(problems(withUpstreamKeys("    name: other\n"))).containsExactly(
                "4:5: upstreams.api.name: unknown key: an upstream's name is its key under upstreams");
    }

    @Test
    void wrongTypesSayWhatWasExpected() {
        assertThat(problems(MINIMAL + "queue:\n  maxWait: 30\n")).containsExactly(
                "8:12: queue.maxWait: expected a duration like 30s, 500ms, 1m30s (units: ms s m h d), got '30'");
        assertThat(problems(MINIMAL + "queue:\n  maxDepth: lots\n")).containsExactly(
                "8:13: queue.maxDepth: expected a whole number");
        assertThat(problems(MINIMAL + "queue:\n  maxDepth: 1.5\n")).containsExactly(
                "8:13: queue.maxDepth: expected a whole number");
        assertThat(problems(MINIMAL + "queue:\n  maxDepth: 99999999999\n")).containsExactly(
                "8:13: queue.maxDepth: number out of range");
        assertThat(problems(MINIMAL + "server: 8080\n")).containsExactly(
                "7:9: server: expected a mapping of keys to values");
        assertThat(problems(MINIMAL + "server:\n  maxRequestBody: 10MB\n")).containsExactly(
                "8:19: server.maxRequestBody: expected a size like 512KiB, 10MiB, 1GiB, 100B or a number of bytes, got '10MB'");
        assertThat(problems(MINIMAL + "server:\n  drainTimeout: 11m\n")).containsExactly(
                "8:17: server.drainTimeout: must be between 0s and 10m");
        assertThat(problems(MINIMAL + "server:\n  drainTimeout: 10\n")).containsExactly(
                "8:17: server.drainTimeout: expected a duration like 30s, 500ms, 1m30s (units: ms s m h d), got '10'");
        assertThat(problems(MINIMAL + "server:\n  publicUrl: ftp://proxy\n")).containsExactly(
                "8:14: server.publicUrl: must be an http:// or https:// URL");
        assertThat(problems(MINIMAL + "server:\n  publicUrl: \"https://proxy/?x=1\"\n")).containsExactly(
                "8:14: server.publicUrl: must not have a query (?...) or fragment (#...)");
        assertThat(problems(MINIMAL + "server:\n  listen: [a]\n")).containsExactly(
                "8:3: server.listen: expected host:port like 127.0.0.1:8080 or [::1]:8080");
        assertThat(problems(MINIMAL + "store:\n  type: postgres\n")).containsExactly(
                "8:9: store.type: expected memory | redis, got 'postgres'");
        assertThat(problems(withUpstreamKeys("    tokens: { static: s3cret }\n"))).containsExactly(
                "4:23: upstreams.api.tokens.static: expected a list");
    }

    @Test
    void inFlightCapsAreValidated() {
        assertThat(problems(withUpstreamKeys("    buckets:\n      - { name: c, maxConcurrent: 0 }\n"))).containsExactly(
                "5:35: upstreams.api.buckets[0].maxConcurrent: must be between 1 and 100000, was 0");
        assertThat(problems(withUpstreamKeys("    buckets:\n      - { name: c, maxConcurrent: 5, per: 1s }\n"))).containsExactly(
                "5:35: upstreams.api.buckets[0].maxConcurrent: an in-flight cap takes no limit, per or burst; give those their own bucket");
        assertThat(problems(withUpstreamKeys("    buckets:\n      - { name: c, maxConcurrent: 5, limit: 10, per: 1s }\n")))
                .containsExactly("5:35: upstreams.api.buckets[0].maxConcurrent: an in-flight cap takes no limit, per or burst; give those their own bucket");
        assertThat(problems(withUpstreamKeys("    buckets:\n      - { name: c, scope: token }\n"))).containsExactly(
                "5:9: upstreams.api.buckets[0].limit: required, a whole number of requests");
    }

    @Test
    void constructorValidationPointsAtTheValue() {
        assertThat(problems(MINIMAL + "store:\n  redis:\n    uri: \"http://redis:6379\"\n    expectedReplicas: 0\n"))
                .containsExactly(
                        "9:10: store.redis.uri: must start with redis://, rediss://, redis-sentinel://, rediss-sentinel://, "
                                + "redis-cluster:// or rediss-cluster:// and name a host",
                        "10:23: store.redis.expectedReplicas: must be at least 1, was 0");
        assertThat(problems(MINIMAL.replace("\"https://api.example.com\"", "\"ftp://api.example.com\"")))
                .containsExactly("3:10: upstreams.api.url: must be an http:// or https:// URL");
        assertThat(problems(MINIMAL.replace("\"https://api.example.com\"", "\"https://api.example.com/?key=1\"")))
                .containsExactly("3:10: upstreams.api.url: must not have a query (?...) or fragment (#...)");
        assertThat(problems(MINIMAL.replace("\"/api/\"", "\"api\""))).containsExactly(
                "5:26: routes[0].match.pathPrefix: must start and end with '/', like /github/");
        assertThat(problems(withUpstreamKeys("    tokens: { inject: { format: \"token\" }, static: [a] }\n")))
                .containsExactly("4:33: upstreams.api.tokens.inject.format: must contain {token}, like \"Bearer {token}\"");
        assertThat(problems(withUpstreamKeys("    retry: { maxAttempts: 0 }\n"))).containsExactly(
                "4:27: upstreams.api.retry.maxAttempts: must be at least 1, was 0");
    }

    @Test
    void missingRequiredKeyIsReportedWhereItBelongs() {
        assertThat(problems("""
                admin:
                  listen: "0.0.0.0:9090"
                """ + MINIMAL)).containsExactly(
                "1:1: admin.authToken: required when admin.listen (0.0.0.0:9090) is not a loopback address");
        assertThat(problems(withUpstreamKeys("""
                    buckets:
                      - { name: a, per: 1s }
                """))).containsExactly("5:9: upstreams.api.buckets[0].limit: required, a whole number of requests");
        assertThat(problems(withUpstreamKeys("    tokens: { defaultLimit: 5 }\n"))).containsExactly(
                "4:5: upstreams.api.tokens: needs at least one token source: static, file, oauth2, githubApp or command (or remove the tokens section)");
        assertThat(problems("routes: []\n")).containsExactly(
                "1:1: upstreams: at least one upstream is required",
                "1:1: routes: at least one route is required");
    }

    @Test
    void windowMarginMustBeBetweenZeroAndAMinute() {
        assertThat(problems(withUpstreamKeys("""
                    windowMargin: 2m
                """))).containsExactly("4:19: upstreams.api.windowMargin: must be between 0s and 1m");
    }

    @Test
    void maxResetWaitMustBeBetweenASecondAndADay() {
        assertThat(problems(withUpstreamKeys("""
                    maxResetWait: 2d
                """))).containsExactly("4:19: upstreams.api.maxResetWait: must be between 1s and 1d");
        assertThat(problems(withUpstreamKeys("""
                    maxResetWait: 500ms
                """))).containsExactly("4:19: upstreams.api.maxResetWait: must be between 1s and 1d");
    }

    @Test
    void maxKeysMustBePositive() {
        assertThat(problems(withUpstreamKeys("""
                    buckets:
                      - { name: a, limit: 5, per: 1s, scope: "header:X-User", maxKeys: 0 }
                """))).containsExactly("5:72: upstreams.api.buckets[0].maxKeys: must be at least 1, was 0");
    }

    @Test
    void poolBoundsAreCheckedTogether() {
        assertThat(problems(withUpstreamKeys("    pool: { maxConnections: 4, minIdle: 5 }\n"))).containsExactly(
                "4:41: upstreams.api.pool.minIdle: must be between 0 and maxConnections (4), was 5");
        assertThat(problems(withUpstreamKeys("    pool: { maxConnections: 0, maxConnectsPerSecond: 0 }\n")))
                .containsExactly(
                        "4:29: upstreams.api.pool.maxConnections: must be between 1 and 10000, was 0",
                        "4:54: upstreams.api.pool.maxConnectsPerSecond: must be between 1 and 10000, was 0");
    }

    @Test
    void severalViolationsOfOneRecordAreAllReported() {
        assertThat(problems(withUpstreamKeys("""
                    dialect: fancy
                    connectTimeout: 0s
                    buckets:
                      - { name: a, limit: 5, per: 1s, burst: 6 }
                """))).containsExactly("7:46: upstreams.api.buckets[0].burst: must be between 1 and limit (5), was 6");
        assertThat(problems(withUpstreamKeys("""
                    dialect: fancy
                    connectTimeout: 0s
                    buckets:
                      - { name: a, limit: 5, per: 1s }
                      - { name: a, limit: 5, per: 1s }
                """))).containsExactly(
                "4:14: upstreams.api.dialect: expected github | discord | ietf | openai | shopify | retry-after | custom",
                "5:21: upstreams.api.connectTimeout: must be positive",
                "8:17: upstreams.api.buckets[1].name: duplicate name 'a'");
    }

    @Test
    void customDialectIsRequiredExactlyWhenNamed() {
        assertThat(problems(withUpstreamKeys("    dialect: custom\n"))).containsExactly(
                "2:3: upstreams.api.custom: required when dialect is custom");
        assertThat(problems(withUpstreamKeys("    custom: { remainingHeader: X-R, resetHeader: X-T }\n")))
                .containsExactly("4:5: upstreams.api.custom: only allowed when dialect is custom");
        assertThat(problems(withUpstreamKeys("    dialect: custom\n    custom: { resetHeader: X-T, resetFormat: hours }\n")))
                .containsExactly(
                        "5:5: upstreams.api.custom.remainingHeader: required: the header carrying how many requests are left",
                        "5:46: upstreams.api.custom.resetFormat: expected epoch-seconds | epoch-millis | delta-seconds | delta-millis");
    }

    @Test
    void everyRouteToAnUnknownUpstreamIsReported() {
        assertThat(problems("""
                upstreams:
                  github: { url: "https://api.github.com" }
                  discord: { url: "https://discord.com" }
                routes:
                  - { match: { pathPrefix: "/gh/" }, upstream: githib }
                  - { match: { pathPrefix: "/gl/" }, upstream: gitlab-enterprise }
                  - { match: { pathPrefix: "/gh/" }, upstream: github }
                """)).containsExactly(
                "5:48: routes[0].upstream: unknown upstream 'githib', did you mean 'github'?",
                "6:48: routes[1].upstream: unknown upstream 'gitlab-enterprise'; known: github, discord",
                "7:7: routes[2].match: same match as routes[0]");
    }

    @Test
    void matchNeedsExactlyOneCriterion() {
        assertThat(problems(MINIMAL.replace("{ pathPrefix: \"/api/\" }", "{ pathPrefix: \"/api/\", host: a.com }")))
                .containsExactly("5:5: routes[0].match: needs exactly one of pathPrefix or host");
    }

    @Test
    void missingVariablesAreAllReportedAtTheirValueWithTheKeyPath() {
        assertThat(problems("""
                admin:
                  authToken: "${ADMIN_TOKEN}"
                upstreams:
                  github:
                    url: "https://api.github.com"
                    tokens:
                      static: ["${GITHUB_TOKEN_1}", "${GITHUB_TOKEN_2:-}", "${GITHUB_TOKEN_3}"]
                routes:
                  - match: { pathPrefix: "/github/" }
                    upstream: github
                """, Map.of("GITHUB_TOKEN_3", "x"))).containsExactly(
                "2:14: admin.authToken: environment variable ADMIN_TOKEN is not set (give a default with ${ADMIN_TOKEN:-value})",
                "7:16: upstreams.github.tokens.static[0]: environment variable GITHUB_TOKEN_1 is not set (give a default with ${GITHUB_TOKEN_1:-value})");
    }

    @Test
    void malformedVariableReferencesNeverEchoTheValue() {
        List<ConfigError> errors = errors(dir, withUpstreamKeys("    tokens: { static: [\"${s3cret-value}\", \"${UNCLOSED\"] }\n"));
        assertThat(located(errors)).containsExactly(
                "4:24: upstreams.api.tokens.static[0]: malformed variable reference (expected ${NAME} or ${NAME:-default})",
                "4:43: upstreams.api.tokens.static[1]: unclosed ${ (expected ${NAME} or ${NAME:-default})");
        assertThat(errors.toString()).doesNotContain("s3cret", "UNCLOSED");
    }

    @Test
    void tokenFileMustExist() {
        assertThat(problems(withUpstreamKeys("    tokens: { file: missing-tokens.txt }\n")))
                .singleElement().asString()
                .startsWith("4:21: upstreams.api.tokens.file: file not found: ")
                .endsWith("missing-tokens.txt");
    }
}
