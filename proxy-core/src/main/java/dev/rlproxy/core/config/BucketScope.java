package dev.rlproxy.core.config;

import java.util.Locale;

/**
 * Who shares a configured bucket: the whole {@code upstream}, each {@code token}, each {@code route},
 * or each distinct value of a request header ({@code header:X-Tenant}).
 *
 * @param header the request header name when {@code kind} is {@link Kind#HEADER}, otherwise null
 */
public record BucketScope(Kind kind, String header) {

    public enum Kind { UPSTREAM, TOKEN, ROUTE, HEADER }

    public static final BucketScope UPSTREAM = new BucketScope(Kind.UPSTREAM, null);
    public static final BucketScope TOKEN = new BucketScope(Kind.TOKEN, null);
    public static final BucketScope ROUTE = new BucketScope(Kind.ROUTE, null);

    static final String EXPECTED = "expected upstream, token, route or header:<Header-Name>";

    public BucketScope {
        if (kind == null) {
            throw InvalidConfigException.of(EXPECTED);
        }
        if (kind == Kind.HEADER && !Names.isHeaderName(header)) {
            throw InvalidConfigException.of("header:<Header-Name> needs a valid header name, like header:X-Tenant");
        }
        if (kind != Kind.HEADER && header != null) {
            throw InvalidConfigException.of("only the header scope takes a header name");
        }
    }

    public static BucketScope header(String name) {
        return new BucketScope(Kind.HEADER, name);
    }

    /** @throws InvalidConfigException if {@code text} is not a scope */
    public static BucketScope parse(String text) {
        String s = text == null ? "" : text.strip();
        if (s.regionMatches(true, 0, "header:", 0, 7)) {
            return header(s.substring(7).strip());
        }
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "upstream" -> UPSTREAM;
            case "token" -> TOKEN;
            case "route" -> ROUTE;
            default -> throw InvalidConfigException.of(EXPECTED + ", got '" + Quoting.shorten(s) + "'");
        };
    }

    /** The YAML form: {@code token}, {@code header:X-Tenant}. */
    @Override
    public String toString() {
        return kind == Kind.HEADER ? "header:" + header : kind.name().toLowerCase(Locale.ROOT);
    }
}
