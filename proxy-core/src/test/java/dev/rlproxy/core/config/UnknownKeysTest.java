package dev.rlproxy.core.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.rlproxy.core.config.ConfigFiles.MINIMAL;
import static dev.rlproxy.core.config.ConfigFiles.errors;
import static dev.rlproxy.core.config.ConfigFiles.located;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unknown keys are reported whatever else is wrong, in particular when the typo also leaves its
 * record invalid (the case users most need the "did you mean" for), and each exactly once.
 */
class UnknownKeysTest {

    @TempDir
    Path dir;

    private List<String> problems(String yaml) {
        return located(errors(dir, yaml));
    }

    @Test
    void aTypoThatLeavesARequiredKeyMissingIsReportedBesideTheMissingKey() {
        assertThat(problems("""
                upstreams:
                  api: { url: "http://127.0.0.1:9" }
                routes:
                  - match: { pathPrefx: "/api/" }
                    upstream: api
                """)).containsExactly(
                "4:5: routes[0].match: needs exactly one of pathPrefix or host",
                "4:14: routes[0].match.pathPrefx: unknown key, did you mean 'pathPrefix'?");
    }

    /**
     * Each case: YAML under {@code upstreams.api}, with a typo that leaves its record invalid, then
     * the unknown key's error and the record's own error, both expected.
     */
    static Stream<Arguments> typosThatInvalidateTheirRecord() {
        return Stream.of(
                Arguments.of("upstream", "    urll: https://api.example.com",
                        "3:5: upstreams.api.urll: unknown key, did you mean 'url'?",
                        "2:3: upstreams.api.url: required, like https://api.example.com"),
                Arguments.of("tokens", "    tokens: { statik: [a] }",
                        "3:15: upstreams.api.tokens.statik: unknown key, did you mean 'static'?",
                        "3:5: upstreams.api.tokens: needs at least one token source: static, file, oauth2, githubApp or command"
                                + " (or remove the tokens section)"),
                Arguments.of("tokens.inject", "    tokens: { static: [a], inject: { hedaer: X-Key, format: nope } }",
                        "3:38: upstreams.api.tokens.inject.hedaer: unknown key, did you mean 'header'?",
                        "3:61: upstreams.api.tokens.inject.format: must contain {token}, like \"Bearer {token}\""),
                Arguments.of("a bucket entry", "    buckets:\n      - { name: s, limt: 10, per: 1s }",
                        "4:20: upstreams.api.buckets[0].limt: unknown key, did you mean 'limit'?",
                        "4:9: upstreams.api.buckets[0].limit: required, a whole number of requests"),
                Arguments.of("a quota entry", "    quotas:\n      - { name: q, metrc: requests, limit: 5, period: day }",
                        "4:20: upstreams.api.quotas[0].metrc: unknown key, did you mean 'metric'?",
                        "4:9: upstreams.api.quotas[0].metric: required: requests | egress-bytes | ingress-bytes"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("typosThatInvalidateTheirRecord")
    void typoInARecordThatThenFailsValidation(String record, String upstreamYaml, String unknownKey, String invalid) {
        String yaml = """
                upstreams:
                  api:
                %s
                routes:
                  - { match: { pathPrefix: "/api/" }, upstream: api }
                """.formatted(upstreamYaml);
        assertThat(problems(yaml)).as(record).containsExactlyInAnyOrder(unknownKey, invalid);
    }

    @Test
    void aTypoInARouteThatThenLacksItsUpstream() {
        assertThat(problems("""
                upstreams:
                  api: { url: "https://api.example.com" }
                routes:
                  - match: { pathPrefix: "/api/" }
                    upstraem: api
                """)).containsExactly(
                "4:5: routes[0].upstream: required: the name of an upstream",
                "5:5: routes[0].upstraem: unknown key, did you mean 'upstream'?");
    }

    /** Binding stops at the first invalid record, but every unknown key in the file is still reported. */
    @Test
    void everyUnknownKeyAtEveryDepthEvenAfterBindingStopped() {
        assertThat(problems("""
                upstreams:
                  api:
                    url: "https://api.example.com"
                    tokens:
                      static: [a]
                      inject: { hedaer: X-Key, format: "{tok}" }
                    buckets:
                      - { name: s, limt: 10, per: 1s }
                routes:
                  - { match: { pathPrefx: "/api/" }, upstream: api }
                  - { match: { host: "api.example.com" }, upstraem: api }
                """)).containsExactly(
                "6:17: upstreams.api.tokens.inject.hedaer: unknown key, did you mean 'header'?",
                "6:40: upstreams.api.tokens.inject.format: must contain {token}, like \"Bearer {token}\"",
                "8:20: upstreams.api.buckets[0].limt: unknown key, did you mean 'limit'?",
                "10:16: routes[0].match.pathPrefx: unknown key, did you mean 'pathPrefix'?",
                "11:43: routes[1].upstraem: unknown key, did you mean 'upstream'?");
    }

    @Test
    void aTypoInARecordThatOtherwiseBindsIsTheOnlyError() {
        assertThat(problems(MINIMAL.replace("    url: \"https://api.example.com\"\n", """
                    url: "https://api.example.com"
                    buckets:
                      - { name: s, limit: 10, per: 1s, brust: 2 }
                    retry: { maxAtempts: 2 }
                    pool: { minIdel: 2 }
                """))).containsExactly(
                "5:40: upstreams.api.buckets[0].brust: unknown key, did you mean 'burst'?",
                "6:14: upstreams.api.retry.maxAtempts: unknown key, did you mean 'maxAttempts'?",
                "7:13: upstreams.api.pool.minIdel: unknown key, did you mean 'minIdle'?");
    }

    @Test
    void unknownKeysAreReportedWithMissingVariables() {
        assertThat(located(errors(dir, MINIMAL + "admin: { authToken: \"${ADMIN_TOKEN}\", lisen: \"127.0.0.1:9\" }\n",
                Map.of()))).containsExactly(
                "7:21: admin.authToken: environment variable ADMIN_TOKEN is not set"
                        + " (give a default with ${ADMIN_TOKEN:-value})",
                "7:39: admin.lisen: unknown key, did you mean 'listen'?");
    }

    /** Keys under an unknown key, or under a value of the wrong kind, are not guessed at. */
    @Test
    void onlyTheOutermostUnknownKeyOfASubtreeIsReported() {
        assertThat(problems(MINIMAL + "servr: { listn: x, deeper: { more: 1 } }\n"))
                .containsExactly("7:1: servr: unknown key, did you mean 'server'?");
        assertThat(problems(MINIMAL + "server: [ { listn: x } ]\n"))
                .containsExactly("7:1: server: expected a mapping of keys to values");
    }
}
