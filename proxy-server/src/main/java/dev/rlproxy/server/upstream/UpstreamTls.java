package dev.rlproxy.server.upstream;

import io.netty.handler.ssl.SslContext;

/**
 * TLS towards an https upstream.
 *
 * @param context    trust and protocols
 * @param serverName sent in SNI and verified against the certificate: the url's host unless
 *                   {@code tls.serverName} names another
 */
public record UpstreamTls(SslContext context, String serverName) {
}
