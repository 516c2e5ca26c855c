package dev.rlproxy.server.simulator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

/**
 * Discord's idea of a rate-limit route, kept simple: the method plus the path with every all-digit
 * segment replaced by {@code {id}} forms the <em>bucket</em> (its {@link #bucket() hash} is what
 * {@code X-RateLimit-Bucket} shows), and the id following the first {@code channels}, {@code guilds}
 * or {@code webhooks} segment is the <em>major parameter</em>: each major value counts separately
 * in the same bucket, as on Discord. Other ids (message ids...) share the count.
 *
 * <p>Example: {@code GET /api/v10/channels/1/messages/7} and {@code .../channels/1/messages/8}
 * share a count; {@code .../channels/2/messages/7} has the same bucket hash but its own count.
 *
 * @param bucket stable hash of the route template
 * @param major  the major parameter value, empty when the path has none
 */
record DiscordRoute(String bucket, String major) {

    // Also listed in proxy.RouteKeys on purpose: the simulator is an independent oracle, shared code would hide a bug in both.
    private static final Set<String> MAJOR_RESOURCES = Set.of("channels", "guilds", "webhooks");

    static DiscordRoute of(String method, String path) {
        StringBuilder template = new StringBuilder(method).append(' ');
        String major = "";
        String previous = "";
        for (String segment : path.split("/", -1)) {
            boolean id = !segment.isEmpty() && segment.chars().allMatch(c -> c >= '0' && c <= '9');
            if (id && major.isEmpty() && MAJOR_RESOURCES.contains(previous)) {
                major = segment;
            }
            template.append(id ? "{id}" : segment).append('/');
            previous = segment;
        }
        return new DiscordRoute(hash(template.toString()), major);
    }

    /** The key a token's count for this route is kept under. */
    String countKey() {
        return bucket + '/' + major;
    }

    private static String hash(String template) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(template.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
