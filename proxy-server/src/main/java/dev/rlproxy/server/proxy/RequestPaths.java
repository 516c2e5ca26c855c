package dev.rlproxy.server.proxy;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * Normalises a request target before it is routed and its prefix stripped, so that what the
 * upstream receives can never climb out of the upstream's base path, whatever the upstream's own
 * normalisation does.
 *
 * <ul>
 *   <li>Dot segments, plain or percent-encoded ({@code .}, {@code ..}, {@code %2e}, {@code .%2E} …),
 *       are resolved as RFC 3986 §5.2.4 says; {@code ..} above the root stays at the root
 *       ({@code /github/../../admin} → {@code /admin}, which then matches no {@code /github/} route).</li>
 *   <li>A segment that some server could still read as a dot segment is refused (400): one whose
 *       encoded slashes or backslashes ({@code %2F}, {@code %5C}, {@code \}) hide a {@code .} or
 *       {@code ..} part ({@code ..%2Fadmin}), or a dot segment with parameters ({@code ..;x}). Encoded
 *       slashes elsewhere stay as they are ({@code group%2Fproject} is a legitimate GitLab id).</li>
 *   <li>Everything else, the query included, is forwarded byte for byte.</li>
 * </ul>
 */
final class RequestPaths {

    private RequestPaths() {
    }

    /** Thrown for a target the proxy refuses to forward; the message is safe to show the client. */
    static final class RejectedPath extends Exception {
        RejectedPath(String message) {
            super(message, null, false, false);
        }
    }

    /** The normalised target (path and query); the input must start with {@code /}. */
    static String normalise(String uri) throws RejectedPath {
        if (uri.indexOf('#') >= 0) {
            throw new RejectedPath("a request target must not carry a fragment");
        }
        int q = uri.indexOf('?');
        String path = q >= 0 ? uri.substring(0, q) : uri;
        String query = q >= 0 ? uri.substring(q) : "";
        if (!mayHoldDotSegment(path)) {
            return uri; // the common case: nothing to resolve, no allocation
        }
        Deque<String> out = new ArrayDeque<>();
        String[] segments = path.substring(1).split("/", -1);
        boolean trailingSlash = false;
        for (String segment : segments) {
            String plain = segment.replace("%2e", ".").replace("%2E", ".");
            trailingSlash = false;
            if (plain.equals(".")) {
                trailingSlash = true;
            } else if (plain.equals("..")) {
                out.pollLast();
                trailingSlash = true;
            } else {
                refuseHiddenDotSegment(plain);
                out.addLast(segment);
            }
        }
        StringBuilder result = new StringBuilder(path.length());
        for (String segment : out) {
            result.append('/').append(segment);
        }
        if (trailingSlash || result.length() == 0) {
            result.append('/');
        }
        return result.append(query).toString();
    }

    private static boolean mayHoldDotSegment(String path) {
        return path.contains("/.") || path.contains("%2e") || path.contains("%2E")
                || path.contains("\\") || path.contains("%5c") || path.contains("%5C")
                || path.contains("%2f") || path.contains("%2F") || path.contains(";");
    }

    /** {@code segment} (with encoded dots already decoded) is no dot segment to us; could it be to someone else? */
    private static void refuseHiddenDotSegment(String segment) throws RejectedPath {
        String separated = segment.toLowerCase(Locale.ROOT).replace("%2f", "/").replace("%5c", "/").replace('\\', '/');
        for (String part : separated.split("/", -1)) {
            int parameters = part.indexOf(';');
            String name = parameters >= 0 ? part.substring(0, parameters) : part;
            if ((name.equals(".") || name.equals("..")) && (parameters >= 0 || !part.equals(segment))) {
                throw new RejectedPath("the path holds a disguised dot segment");
            }
        }
    }
}
