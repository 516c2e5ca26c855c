package dev.rlproxy.core.config;

/**
 * How a pooled token is attached to forwarded requests.
 *
 * @param header the request header to set (default Authorization)
 * @param format the header value, where {@code {token}} stands for the token (default "Bearer {token}")
 */
public record InjectConfig(String header, String format) {

    public static final String PLACEHOLDER = "{token}";

    public InjectConfig {
        header = header == null ? "Authorization" : header.strip();
        format = format == null ? "Bearer " + PLACEHOLDER : format;
        Violations v = new Violations();
        v.check(Names.isHeaderName(header), "header", "must be a valid header name, like Authorization");
        v.check(format.contains(PLACEHOLDER), "format", "must contain {token}, like \"Bearer {token}\"");
        v.throwIfAny();
    }

    public static InjectConfig defaults() {
        return new InjectConfig(null, null);
    }

    /** The header value for {@code token}. */
    public String headerValue(String token) {
        return format.replace(PLACEHOLDER, token);
    }
}
