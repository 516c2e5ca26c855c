package dev.rlproxy.server.tls;

import dev.rlproxy.core.tokens.RsaSigningKey;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files TLS is configured with: certificates (a chain, leaf first) and unencrypted
 * private keys in PKCS#8 ({@code BEGIN PRIVATE KEY}: RSA, EC or Ed25519) or PKCS#1
 * ({@code BEGIN RSA PRIVATE KEY}) form, with the JDK alone. Errors name the file, never its content.
 */
public final class PemFiles {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS");

    private PemFiles() {
    }

    /** Every certificate in {@code file}, in file order; at least one. */
    public static List<X509Certificate> certificates(Path file) {
        List<X509Certificate> certificates = new ArrayList<>();
        Matcher block = BLOCK.matcher(read(file));
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            while (block.find()) {
                if (block.group(1).equals("CERTIFICATE")) {
                    certificates.add((X509Certificate) factory.generateCertificate(
                            new ByteArrayInputStream(decode(file, block.group(2)))));
                }
            }
        } catch (CertificateException e) {
            throw new TlsFileException(file + ": a CERTIFICATE block is not a valid X.509 certificate");
        }
        if (certificates.isEmpty()) {
            throw new TlsFileException(file + ": no -----BEGIN CERTIFICATE----- block");
        }
        return certificates;
    }

    /** The first private key in {@code file}. */
    public static PrivateKey privateKey(Path file) {
        String pem = read(file);
        Matcher block = BLOCK.matcher(pem);
        while (block.find()) {
            switch (block.group(1)) {
                case "PRIVATE KEY":
                    return pkcs8(file, decode(file, block.group(2)));
                case "RSA PRIVATE KEY":
                    try {
                        return RsaSigningKey.fromPem(block.group()).key(); // wraps PKCS#1 into PKCS#8
                    } catch (IllegalArgumentException e) {
                        throw new TlsFileException(file + ": " + e.getMessage());
                    }
                case "ENCRYPTED PRIVATE KEY":
                    throw new TlsFileException(file + ": the private key is encrypted; store it unencrypted "
                            + "(openssl pkcs8 -topk8 -nocrypt -in key.pem -out plain.pem) and protect the file");
                case "EC PRIVATE KEY":
                    throw new TlsFileException(file + ": EC keys are read in PKCS#8 form; convert with "
                            + "openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem");
                default:
                    // a certificate or parameters block before the key: keep looking
            }
        }
        throw new TlsFileException(file + ": no -----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY----- block");
    }

    /** Fails unless {@code key} is the private half of {@code certificate}'s public key. */
    public static void checkPair(X509Certificate certificate, PrivateKey key, Path certFile, Path keyFile) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm();
        };
        byte[] probe = "rlproxy key check".getBytes(StandardCharsets.US_ASCII);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            if (verifier.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException e) {
            // a key of another type than the certificate's: the same answer as a wrong key
        }
        throw new TlsFileException(keyFile + " does not hold the private key of the first certificate in " + certFile);
    }

    private static PrivateKey pkcs8(Path file, byte[] der) {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException notThisOne) {
                // try the next algorithm
            }
        }
        throw new TlsFileException(file + ": the PRIVATE KEY block is not an RSA, EC or Ed25519 key");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new TlsFileException("cannot read " + file + " (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static byte[] decode(Path file, String base64) {
        try {
            return Base64.getDecoder().decode(base64.replaceAll("\\s+", ""));
        } catch (IllegalArgumentException e) {
            throw new TlsFileException(file + ": a PEM block is not valid base64");
        }
    }
}
