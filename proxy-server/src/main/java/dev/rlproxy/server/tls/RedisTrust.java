package dev.rlproxy.server.tls;

import dev.rlproxy.core.config.RedisTlsConfig;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The TLS client side of a {@code rediss} store: the JDK's default CAs, plus or instead of the PEM
 * CAs of {@code store.redis.tls.caFile}; hostname verification always on, against
 * {@code tls.serverName} when set; the client certificate of {@code tls.certFile} when set; failures
 * explained ({@link ExplainingTrustManager}). Blocking sockets, as Jedis uses them.
 */
public final class RedisTrust {

    static final String SERVER = "Redis";
    static final String SERVER_NAME_KEY = "store.redis.tls.serverName";

    /**
     * What Jedis needs: sockets layered over its plain connection, and the parameters it sets on them.
     *
     * @param parameters TLS 1.3 and 1.2, endpoint identification "HTTPS" (hostname verification)
     */
    public record ClientTls(SSLSocketFactory socketFactory, SSLParameters parameters) {
    }

    private RedisTrust() {
    }

    /**
     * @param tls {@code store.redis.tls}, or null for the JDK's default CAs and the uri's host names
     * @throws TlsFileException when a file holds no readable certificate or key, or the key does not match
     */
    public static ClientTls client(RedisTlsConfig tls) {
        TrustedAuthorities trusted = TrustedAuthorities.of(tls == null ? null : tls.caFile(),
                tls == null ? null : tls.trust(), "store.redis.tls.caFile");
        TrustManager trust = new ExplainingTrustManager(TrustStores.trusting(trusted.authorities()), SERVER,
                trusted.description(),
                SERVER_NAME_KEY);
        KeyManager[] keys = tls != null && tls.presentsCertificate() ? new KeyManager[] {clientKey(tls)} : null;
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, new TrustManager[] {trust}, null);
            SSLParameters parameters = new SSLParameters();
            parameters.setProtocols(ListenerContexts.PROTOCOLS);
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            String serverName = tls == null ? null : tls.serverName();
            return new ClientTls(new NamingSocketFactory(context.getSocketFactory(), serverName), parameters);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS for Redis", e);
        }
    }

    private static KeyManager clientKey(RedisTlsConfig tls) {
        List<X509Certificate> chain = PemFiles.certificates(tls.certFile());
        PrivateKey key = PemFiles.privateKey(tls.keyFile());
        PemFiles.checkPair(chain.get(0), key, tls.certFile(), tls.keyFile());
        return TrustStores.presenting("redis-client", key, chain);
    }

    /**
     * Layers TLS over Jedis' connected socket, naming the server {@code serverName} (SNI and the
     * name verified) instead of the address it was reached by, when one is configured.
     */
    private static final class NamingSocketFactory extends SSLSocketFactory {

        private final SSLSocketFactory delegate;
        private final String serverName;

        NamingSocketFactory(SSLSocketFactory delegate, String serverName) {
            this.delegate = delegate;
            this.serverName = serverName;
        }

        @Override
        public Socket createSocket(Socket connected, String host, int port, boolean autoClose) throws IOException {
            return delegate.createSocket(connected, serverName == null ? host : serverName, port, autoClose);
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return delegate.createSocket(host, port);
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return delegate.createSocket(host, port, localHost, localPort);
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return delegate.createSocket(host, port);
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return delegate.createSocket(address, port, localAddress, localPort);
        }
    }
}
