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
        int length = query >= 0 ? query : path.length();
        StringBuilder key = new StringBuilder(method.length() + length + 1).append(method).append(' ');
        int previousStart = 0;
        int previousEnd = 0;
        int start = 0;
        while (start <= length) {
            int slash = path.indexOf('/', start);
            int end = slash < 0 || slash > length ? length : slash;
            if (isId(path, start, end) && !isMajor(path, previousStart, previousEnd)) {
                key.append(":id");
            } else {
                key.append(path, start, end);
            }
            if (end == length) {
                break;
            }
            key.append('/');
            previousStart = start;
            previousEnd = end;
            start = end + 1;
        }
        return key.toString();
    }

    // Also listed in simulator.DiscordRoute on purpose: the simulator is an independent oracle, shared code would hide a bug in both.
    private static boolean isMajor(String path, int start, int end) {
        return is(path, start, end, "channels") || is(path, start, end, "guilds") || is(path, start, end, "webhooks");
    }

    private static boolean is(String path, int start, int end, String segment) {
        return end - start == segment.length() && path.startsWith(segment, start);
    }

    /** Whether {@code path[start, end)} is an id; checked in place, without cutting the segment out. */
    private static boolean isId(String path, int start, int end) {
        if (start == end) {
            return false;
        }
        boolean allDigits = true;
        boolean allHex = end - start >= 16;
        for (int i = start; i < end; i++) {
            char c = path.charAt(i);
            allDigits &= c >= '0' && c <= '9';
            allHex &= (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
        }
        return allDigits || allHex;
    }
}
