package dev.rlproxy.core.config;

/**
 * Whether requests to an https upstream may go over HTTP/2 ({@code upstreams.<name>.http2}):
 * {@code auto} offers {@code h2} and {@code http/1.1} by ALPN and speaks what the upstream picks;
 * {@code off} (the default) speaks HTTP/1.1 only. Plain-http upstreams always speak HTTP/1.1.
 */
public enum Http2Mode {
    AUTO, OFF;

    static final String EXPECTED = "expected auto | off";

    /**
     * {@code auto} or {@code off}. YAML 1.1 reads a bare {@code off} as the boolean false, which
     * arrives here as {@code false}: it means {@code off} too.
     */
    static Http2Mode parse(String text) {
        String s = text == null ? "" : text.strip();
        if (s.equalsIgnoreCase("false")) {
            return OFF;
        }
        return YamlEnums.parse(Http2Mode.class, s);
    }
}
