package dev.rlproxy.server.tls;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/** The JDK's own key and trust managers over certificates held in memory. */
final class TrustStores {

    private static final char[] NO_PASSWORD = new char[0];

    private TrustStores() {
    }

    /** Trusts exactly {@code authorities}, with the JDK's PKIX validation. */
    static X509ExtendedTrustManager trusting(Collection<X509Certificate> authorities) {
        try {
            KeyStore store = emptyStore();
            int i = 0;
            for (X509Certificate authority : authorities) {
                store.setCertificateEntry("ca-" + i++, authority);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return only(factory.getTrustManagers());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a trust store", e);
        }
    }

    /** The certificate authorities the JDK trusts by default (its cacerts). */
    static List<X509Certificate> jdkDefaultAuthorities() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            return Arrays.asList(only(factory.getTrustManagers()).getAcceptedIssuers());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the JDK's default trust store", e);
        }
    }

    /** Presents {@code chain} (leaf first) with {@code key}, under {@code alias}. */
    static X509ExtendedKeyManager presenting(String alias, PrivateKey key, List<X509Certificate> chain) {
        try {
            KeyStore store = emptyStore();
            store.setKeyEntry(alias, key, NO_PASSWORD, chain.toArray(X509Certificate[]::new));
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, NO_PASSWORD);
            return (X509ExtendedKeyManager) factory.getKeyManagers()[0];
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a key store", e);
        }
    }

    private static KeyStore emptyStore() throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        return store;
    }

    private static X509ExtendedTrustManager only(TrustManager[] managers) {
        return (X509ExtendedTrustManager) managers[0];
    }
}
