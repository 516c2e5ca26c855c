package dev.rlproxy.server.admin;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.rlproxy.core.config.ListenerTlsConfig;
import dev.rlproxy.server.ProxyApplication;
import dev.rlproxy.server.tls.ListenerCertificates;
import dev.rlproxy.server.tls.ListenerContexts;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The admin listener over TLS ({@code admin.tls}): the JDK's HTTPS server on the same rotating
 * certificates and client-certificate check as the proxy's listener, files polled with the proxy's
 * other files.
 */
final class AdminTls {

    private AdminTls() {
    }

    static HttpsServer create(InetSocketAddress address, ListenerTlsConfig tls, ProxyApplication app)
            throws IOException {
        ListenerCertificates certificates = ListenerCertificates.load("admin.tls", tls);
        certificates.watch(app.filePolls(), ProxyApplication.CERTIFICATE_POLL);
        SSLContext context = ListenerContexts.jdk(certificates);
        HttpsServer server = HttpsServer.create(address, 64);
        server.setHttpsConfigurator(new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters parameters) {
                parameters.setSSLParameters(ListenerContexts.jdkParameters(context, certificates));
            }
        });
        return server;
    }
}
