package dev.rlproxy.core.headers;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The header dialects by the names the configuration uses ({@code dialect: github}). The built-in
 * dialects are stateless, so one shared instance each serves every upstream.
 */
public final class Dialects {

    /** In the order error messages list them; the config's list of dialect names derives from it. */
    private static final Map<String, HeaderDialect> BUILT_IN = builtIn();

    private Dialects() {
    }

    private static Map<String, HeaderDialect> builtIn() {
        Map<String, HeaderDialect> dialects = new LinkedHashMap<>();
        dialects.put("github", new GitHubHeaders());
        dialects.put("discord", new DiscordHeaders());
        dialects.put("ietf", new IetfHeaders());
        dialects.put("openai", new OpenAiHeaders());
        dialects.put("shopify", new ShopifyHeaders());
        dialects.put("retry-after", new RetryAfterHeaders());
        return Collections.unmodifiableMap(dialects);
    }

    /**
     * The built-in dialect with this name (case and surrounding blanks ignored).
     *
     * @throws IllegalArgumentException for any other name, listing the valid ones alphabetically
     */
    public static HeaderDialect named(String name) {
        HeaderDialect dialect = name == null ? null : BUILT_IN.get(name.strip().toLowerCase(Locale.ROOT));
        if (dialect == null) {
            throw new IllegalArgumentException("unknown header dialect '" + name + "'; valid names are "
                    + String.join(", ", new TreeSet<>(BUILT_IN.keySet()))
                    + " (a custom dialect is built from a header mapping instead)");
        }
        return dialect;
    }

    /** A dialect reading the headers the mapping names. */
    public static HeaderDialect custom(CustomHeaderMapping mapping) {
        return new CustomHeaders(mapping);
    }

    /** {@code dialect} with its answers held to {@code maxResetWait}; see {@link BoundedDialect}. */
    public static HeaderDialect bounded(HeaderDialect dialect, String upstream, java.time.Duration maxResetWait) {
        return new BoundedDialect(dialect, upstream, maxResetWait);
    }

    /** The names {@link #named} accepts, in a fixed order (github first, retry-after last). */
    public static Set<String> names() {
        return Collections.unmodifiableSet(BUILT_IN.keySet());
    }
}
