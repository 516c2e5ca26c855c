package dev.rlproxy.server.proxy;

/**
 * The key under which a request's learned rate limits are tracked: method plus path with ids
 * folded, so {@code GET /channels/1/messages/7} and {@code GET /channels/1/messages/8} share a
 * bucket. Numeric (and long hex) segments become {@code :id}, except right after a Discord "major
 * parameter" segment (channels, guilds, webhooks), whose id is part of the bucket's identity.
 * Routes the upstream reports as one bucket (a shared bucket id) are merged by the limiter anyway.
 */
final class RouteKeys {

    private RouteKeys() {
    }

    static String of(String method, String path) {
        int query = path.indexOf('?');
        String p = query >= 0 ? path.substring(0, query) : path;
        StringBuilder key = new StringBuilder(method.length() + p.length() + 1).append(method).append(' ');
        String previous = "";
        int start = 0;
        while (start <= p.length()) {
            int slash = p.indexOf('/', start);
            int end = slash < 0 ? p.length() : slash;
            String segment = p.substring(start, end);
            key.append(isId(segment) && !isMajor(previous) ? ":id" : segment);
            if (slash < 0) {
                break;
            }
            key.append('/');
            previous = segment;
            start = slash + 1;
        }
        return key.toString();
    }

    // Also listed in simulator.DiscordRoute on purpose: the simulator is an independent oracle, shared code would hide a bug in both.
    private static boolean isMajor(String segment) {
        return segment.equals("channels") || segment.equals("guilds") || segment.equals("webhooks");
    }

    private static boolean isId(String segment) {
        if (segment.isEmpty()) {
            return false;
        }
        boolean allDigits = true;
        boolean allHex = segment.length() >= 16;
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            allDigits &= c >= '0' && c <= '9';
            allHex &= (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
        }
        return allDigits || allHex;
    }
}
