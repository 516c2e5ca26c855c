package dev.rlproxy.server.proxy;

import dev.rlproxy.core.config.ForwardedHeaders;
import io.netty.handler.codec.http.HttpHeaders;

import io.netty.util.AsciiString;

import java.util.List;
import java.util.stream.Stream;

/**
 * What the upstream learns about the client through forwarding headers. The client's own
 * {@code X-Forwarded-*}, {@code Forwarded}, {@code X-Real-IP} and {@code Via} are dropped unless
 * {@code server.trustForwardedHeaders} says a trusted proxy in front sets them; then the proxy's
 * own entry is appended to theirs. The proxy adds headers only when the upstream's
 * {@code forwardedHeaders} asks for them, and never adds {@code Via}.
 *
 * @param mode        which headers to add for this upstream
 * @param trustClient keep the ones the client sent
 */
public record RequestForwarding(ForwardedHeaders mode, boolean trustClient) {

    static final String X_FORWARDED_FOR = "X-Forwarded-For";
    static final String X_FORWARDED_HOST = "X-Forwarded-Host";
    static final String X_FORWARDED_PROTO = "X-Forwarded-Proto";
    static final String FORWARDED = "Forwarded";
    private static final List<AsciiString> FROM_CLIENT = Stream.of(X_FORWARDED_FOR, X_FORWARDED_HOST,
            X_FORWARDED_PROTO, "X-Forwarded-Port", "X-Forwarded-Server", FORWARDED, "X-Real-IP", "Via")
            .map(AsciiString::cached).toList();

    public static final RequestForwarding NONE = new RequestForwarding(ForwardedHeaders.NONE, false);

    /**
     * @param headers       the outgoing headers, still holding what the client sent
     * @param clientAddress the client's IP address
     * @param originalHost  the Host the client asked for, or {@code null}
     */
    void apply(HttpHeaders headers, String clientAddress, String originalHost) {
        if (!trustClient) {
            removeFromClient(headers);
        }
        switch (mode) {
            case NONE -> {
            }
            case X_FORWARDED -> {
                headers.set(X_FORWARDED_FOR, appended(headers.getAll(X_FORWARDED_FOR), clientAddress));
                if (!headers.contains(X_FORWARDED_PROTO)) {
                    headers.set(X_FORWARDED_PROTO, "http");
                }
                if (originalHost != null && !headers.contains(X_FORWARDED_HOST)) {
                    headers.set(X_FORWARDED_HOST, originalHost);
                }
            }
            case FORWARDED -> {
                String element = "for=" + node(clientAddress)
                        + (originalHost == null ? "" : ";host=" + quoted(originalHost)) + ";proto=http";
                headers.set(FORWARDED, appended(headers.getAll(FORWARDED), element));
            }
        }
    }

    private static void removeFromClient(HttpHeaders headers) {
        List<CharSequence> found = HeaderNameScan.matching(headers, RequestForwarding::isFromClient);
        if (found != null) {
            found.forEach(headers::remove);
        }
    }

    private static boolean isFromClient(CharSequence name) {
        for (AsciiString fromClient : FROM_CLIENT) {
            if (fromClient.length() == name.length() && fromClient.contentEqualsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    private static String appended(List<String> earlier, String ours) {
        return earlier.isEmpty() ? ours : String.join(", ", earlier) + ", " + ours;
    }

    /** RFC 7239 §6: an IPv6 address is bracketed and quoted. */
    private static String node(String address) {
        return address.indexOf(':') >= 0 ? "\"[" + address + "]\"" : address;
    }

    private static String quoted(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
