package dev.rlproxy.server.tls;

import dev.rlproxy.core.config.ListenerTlsConfig;
import dev.rlproxy.core.time.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A listener's certificate, key and client CAs, re-read when their files change: each new
 * handshake uses what was read last, so a rotated certificate is served from the next connection
 * on, without a restart. A change that does not read (a half-written file, a key that does not
 * match the certificate) keeps the previous material and is logged; the next check tries again.
 *
 * <p>{@link #keyManager()} and {@link #clientTrustManager()} are fixed objects that delegate to the
 * current material, so one {@code SSLContext} built on them serves every rotation.
 */
public final class ListenerCertificates {

    private static final Logger log = LoggerFactory.getLogger(ListenerCertificates.class);

    private final String listener;
    private final ListenerTlsConfig config;
    private volatile Material current;
    /**
     * The material before the last rotation: a handshake that chose its alias just before the
     * rotation still gets the chain and key of that alias, never a mix of old and new.
     */
    private volatile Material previous;
    private int generation;
    /** The stamps of the last change that failed to read: logged once, not at every check. */
    private List<String> failedStamps = List.of();

    private record Material(X509ExtendedKeyManager keys, X509ExtendedTrustManager clients, List<String> stamps,
                            X509Certificate leaf, String alias) {
    }

    private ListenerCertificates(String listener, ListenerTlsConfig config, Material material) {
        this.listener = listener;
        this.config = config;
        this.current = material;
    }

    /**
     * Reads the files now.
     *
     * @param listener what the files are for, in log lines and errors ({@code server.tls})
     * @throws TlsFileException naming the file that cannot be used
     */
    public static ListenerCertificates load(String listener, ListenerTlsConfig config) {
        Material material = read(config, stamps(config), 0);
        log.info("{}: serving certificate '{}' (valid until {})", listener,
                material.leaf().getSubjectX500Principal().getName(), material.leaf().getNotAfter().toInstant());
        return new ListenerCertificates(listener, config, material);
    }

    public ListenerTlsConfig config() {
        return config;
    }

    /** Checks the files every {@code interval} on {@code scheduler} (never an event loop: this reads files). */
    public void watch(Scheduler scheduler, Duration interval) {
        scheduler.schedule(() -> {
            reloadIfChanged();
            watch(scheduler, interval);
        }, interval.toNanos());
    }

    /** Re-reads the files if any changed since the last read; whether the material was replaced. */
    public synchronized boolean reloadIfChanged() {
        List<String> stamps;
        try {
            stamps = stamps(config);
        } catch (TlsFileException e) {
            warnOnce(List.of("missing"), e);
            return false;
        }
        if (stamps.equals(current.stamps()) || stamps.equals(failedStamps)) {
            return false;
        }
        try {
            Material next = read(config, stamps, ++generation);
            previous = current;
            current = next;
        } catch (TlsFileException e) {
            warnOnce(stamps, e);
            return false;
        }
        failedStamps = List.of();
        log.info("{}: certificate files changed; new connections get '{}' (valid until {})", listener,
                current.leaf().getSubjectX500Principal().getName(), current.leaf().getNotAfter().toInstant());
        return true;
    }

    private void warnOnce(List<String> stamps, TlsFileException e) {
        if (!stamps.equals(failedStamps)) {
            log.warn("{}: keeping the previous certificate: {}", listener, e.getMessage());
            failedStamps = stamps;
        }
    }

    /** The certificate presented now. */
    public X509Certificate certificate() {
        return current.leaf();
    }

    public X509ExtendedKeyManager keyManager() {
        return new CurrentKeys();
    }

    /** Null without {@code clientCaFile}. */
    public X509ExtendedTrustManager clientTrustManager() {
        return config.requiresClientCertificate() ? new CurrentClientTrust() : null;
    }

    private static Material read(ListenerTlsConfig config, List<String> stamps, int generation) {
        List<X509Certificate> chain = PemFiles.certificates(config.certFile());
        PrivateKey key = PemFiles.privateKey(config.keyFile());
        PemFiles.checkPair(chain.get(0), key, config.certFile(), config.keyFile());
        X509ExtendedTrustManager clients = config.requiresClientCertificate()
                ? TrustStores.trusting(PemFiles.certificates(config.clientCaFile())) : null;
        String alias = "listener-" + generation;
        return new Material(TrustStores.presenting(alias, key, chain), clients, stamps, chain.get(0), alias);
    }

    /** Modification time and size of each file: what "changed" means. */
    private static List<String> stamps(ListenerTlsConfig config) {
        List<String> stamps = new ArrayList<>();
        for (Path file : Stream.of(config.certFile(), config.keyFile(), config.clientCaFile())
                .filter(f -> f != null).toList()) {
            try {
                stamps.add(Files.getLastModifiedTime(file).toMillis() + "/" + Files.size(file));
            } catch (IOException e) {
                throw new TlsFileException("cannot read " + file + " (" + e.getClass().getSimpleName() + ")", e);
            }
        }
        return stamps;
    }

    /** Serves with whatever key and chain were read last. */
    private final class CurrentKeys extends X509ExtendedKeyManager {
        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return current.keys().getClientAliases(keyType, issuers);
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return current.keys().chooseClientAlias(keyType, issuers, socket);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return current.keys().getServerAliases(keyType, issuers);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return current.keys().chooseServerAlias(keyType, issuers, socket);
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return current.keys().chooseEngineServerAlias(keyType, issuers, engine);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return chosen(alias).keys().getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return chosen(alias).keys().getPrivateKey(alias);
        }

        /** The material an alias was chosen from (the JDK may prefix the key store's alias). */
        private Material chosen(String alias) {
            Material now = current;
            Material before = previous;
            return before != null && alias != null && alias.endsWith(before.alias()) ? before : now;
        }
    }

    /** Accepts client certificates issued by the client CAs read last. */
    private final class CurrentClientTrust extends DelegatingTrustManager {
        @Override
        X509ExtendedTrustManager delegate() {
            return current.clients();
        }
    }
}
