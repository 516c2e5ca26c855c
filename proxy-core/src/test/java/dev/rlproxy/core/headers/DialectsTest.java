package dev.rlproxy.core.headers;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DialectsTest {

    @Test
    void namesTheBuiltInDialects() {
        assertThat(Dialects.names()).containsExactly("github", "discord", "ietf", "openai", "shopify", "retry-after");
    }

    @Test
    void findsEachDialectByName() {
        assertThat(Dialects.named("github")).isInstanceOf(GitHubHeaders.class);
        assertThat(Dialects.named("discord")).isInstanceOf(DiscordHeaders.class);
        assertThat(Dialects.named("ietf")).isInstanceOf(IetfHeaders.class);
        assertThat(Dialects.named("openai")).isInstanceOf(OpenAiHeaders.class);
        assertThat(Dialects.named("shopify")).isInstanceOf(ShopifyHeaders.class);
        assertThat(Dialects.named(" Retry-After ")).isInstanceOf(RetryAfterHeaders.class);
    }

    @Test
    void unknownNameListsTheValidOnes() {
        assertThatThrownBy(() -> Dialects.named("gitlab"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'gitlab'")
                .hasMessageContaining("discord, github, ietf, openai, retry-after, shopify");
        assertThatThrownBy(() -> Dialects.named(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Dialects.named("custom")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void customBuildsFromTheMapping() {
        CustomHeaderMapping mapping = new CustomHeaderMapping("X-Limit", null, null, null, null, null);

        assertThat(Dialects.custom(mapping)).isInstanceOfSatisfying(CustomHeaders.class,
                custom -> assertThat(custom.mapping()).isEqualTo(mapping));
    }

    @Test
    void namesCannotBeChanged() {
        assertThatThrownBy(() -> Dialects.names().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }
}
