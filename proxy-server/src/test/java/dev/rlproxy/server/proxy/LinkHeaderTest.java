package dev.rlproxy.server.proxy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LinkHeaderTest {

    private static String upper(String s) {
        return "X" + s;
    }

    @Test
    void everyTargetIsRewritten() {
        String github = "<https://api.github.com/repositories/1/issues?page=2>; rel=\"next\", "
                + "<https://api.github.com/repositories/1/issues?page=5>; rel=\"last\"";
        assertThat(LinkHeader.rewrite(github, LinkHeaderTest::upper)).isEqualTo(
                "<Xhttps://api.github.com/repositories/1/issues?page=2>; rel=\"next\", "
                        + "<Xhttps://api.github.com/repositories/1/issues?page=5>; rel=\"last\"");
    }

    @Test
    void anchorParametersAreUriReferencesToo() {
        assertThat(LinkHeader.rewrite("<a>; anchor=\"b\"; rel=\"c\"; title=\"d\"", LinkHeaderTest::upper))
                .isEqualTo("<Xa>; anchor=\"Xb\"; rel=\"c\"; title=\"d\"");
        assertThat(LinkHeader.rewrite("<a>;Anchor = \"b\"", LinkHeaderTest::upper)).isEqualTo("<Xa>;Anchor = \"Xb\"");
    }

    @Test
    void anglesInsideQuotedStringsAreNotTargets() {
        assertThat(LinkHeader.rewrite("<a>; title=\"<not a link> \\\" still quoted <no>\", <b>", LinkHeaderTest::upper))
                .isEqualTo("<Xa>; title=\"<not a link> \\\" still quoted <no>\", <Xb>");
    }

    @Test
    void malformedValuesAreCopiedAsFarAsTheyParse() {
        assertThat(LinkHeader.rewrite("<a>; rel=\"unterminated", LinkHeaderTest::upper)).isEqualTo("<Xa>; rel=\"unterminated");
        assertThat(LinkHeader.rewrite("<a>, <unclosed", LinkHeaderTest::upper)).isEqualTo("<Xa>, <unclosed");
        assertThat(LinkHeader.rewrite("", LinkHeaderTest::upper)).isEmpty();
        assertThat(LinkHeader.rewrite("<a>; title=\"ends in backslash\\", LinkHeaderTest::upper))
                .isEqualTo("<Xa>; title=\"ends in backslash\\");
    }
}
