package dev.rlproxy.server.upstream;

import io.netty.handler.ssl.SslContext;

/**
 * TLS towards an https upstream.
 *
 * @param context      trust and protocols, no ALPN: connections that speak HTTP/1.1
 * @param http2Context the same trust offering {@code h2} and {@code http/1.1} by ALPN, or null when
 *                     the upstream's {@code http2} is {@code off}
 * @param serverName   sent in SNI and verified against the certificate: the url's host unless
 *                     {@code tls.serverName} names another
 */
public record UpstreamTls(SslContext context, SslContext http2Context, String serverName) {

    /** Whether connections offer HTTP/2 first. */
    public boolean offersHttp2() {
        return http2Context != null;
    }
}
