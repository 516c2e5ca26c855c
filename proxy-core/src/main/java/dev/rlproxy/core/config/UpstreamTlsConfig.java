package dev.rlproxy.core.config;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * How the proxy verifies an https upstream ({@code upstreams.<name>.tls}). Hostname verification
 * is always on; there is no switch to turn it off.
 *
 * @param caFile     PEM certificates of the CAs to trust; relative to the config file's folder
 * @param serverName the name sent in SNI and checked against the upstream's certificate, when it
 *                   differs from the url's host (an upstream reached by IP or an internal alias)
 * @param trust      whether {@code caFile} is added to the JDK's default CAs or replaces them (default add)
 */
public record UpstreamTlsConfig(Path caFile, String serverName, TrustMode trust) {

    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");

    public UpstreamTlsConfig {
        trust = trust == null ? TrustMode.ADD : trust;
        serverName = serverName == null ? null : serverName.strip();
        Violations v = new Violations();
        v.check(trust != TrustMode.REPLACE || caFile != null, "trust",
                "replace needs a caFile: the CAs that replace the default ones");
        v.check(serverName == null || HOST_NAME.matcher(serverName).matches(), "serverName",
                "must be a host name (letters, digits, '.', '-'), like api.internal.example.com");
        v.throwIfAny();
    }
}
