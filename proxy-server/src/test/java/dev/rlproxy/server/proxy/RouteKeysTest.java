package dev.rlproxy.server.proxy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RouteKeysTest {

    @Test
    void foldsNumericIdsSoOneRouteSharesOneKey() {
        assertThat(RouteKeys.of("GET", "/repos/acme/api/issues/17"))
                .isEqualTo(RouteKeys.of("GET", "/repos/acme/api/issues/18"))
                .isEqualTo("GET /repos/acme/api/issues/:id");
    }

    @Test
    void keepsDiscordMajorParameters() {
        assertThat(RouteKeys.of("POST", "/channels/123/messages/456"))
                .isEqualTo("POST /channels/123/messages/:id")
                .isNotEqualTo(RouteKeys.of("POST", "/channels/124/messages/456"));
        assertThat(RouteKeys.of("GET", "/guilds/9/members")).isEqualTo("GET /guilds/9/members");
    }

    @Test
    void ignoresQueryAndDistinguishesMethods() {
        assertThat(RouteKeys.of("GET", "/search/code?q=x")).isEqualTo("GET /search/code");
        assertThat(RouteKeys.of("GET", "/a")).isNotEqualTo(RouteKeys.of("DELETE", "/a"));
    }

    @Test
    void foldsLongHexIdsButNotNames() {
        assertThat(RouteKeys.of("GET", "/commits/0123456789abcdef0123")).isEqualTo("GET /commits/:id");
        assertThat(RouteKeys.of("GET", "/repos/cafe")).isEqualTo("GET /repos/cafe");
    }
}
