package dev.rlproxy.core.tokens;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An RSA private key read from PEM text, as GitHub hands out App keys: PKCS#1
 * ({@code BEGIN RSA PRIVATE KEY}) or PKCS#8 ({@code BEGIN PRIVATE KEY}). PKCS#1 is wrapped into the
 * PKCS#8 structure so the JDK's own {@link KeyFactory} reads both; no extra crypto library.
 *
 * <p>The key material never leaves this object except to sign: {@link #toString()} shows the key
 * size and a fingerprint, and every parse error describes the shape of the text, never its content.
 */
public final class RsaSigningKey {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
    /** DER of AlgorithmIdentifier { rsaEncryption (1.2.840.113549.1.1.1), NULL }. */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
            (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    private static final List<String> OTHER_ALGORITHMS = List.of("EC", "Ed25519", "Ed448", "DSA");

    private final RSAPrivateKey key;
    private final String fingerprint;

    private RsaSigningKey(RSAPrivateKey key) {
        this.key = key;
        this.fingerprint = Fingerprint.of(Base64.getEncoder().encodeToString(key.getEncoded()));
    }

    /** Wraps a key already in memory (e.g. one a test generated). */
    public static RsaSigningKey of(RSAPrivateKey key) {
        if (key == null) {
            throw new IllegalArgumentException("an RSA signing key is required");
        }
        return new RsaSigningKey(key);
    }

    /**
     * Reads the first private key of {@code pem}. Literal {@code \n} sequences count as line breaks
     * when the text has none, so a key squeezed into one environment variable line still reads.
     *
     * @throws IllegalArgumentException with a message safe to show (it never quotes the text)
     */
    public static RsaSigningKey fromPem(String pem) {
        if (pem == null || pem.isBlank()) {
            throw new IllegalArgumentException("the private key is empty");
        }
        String text = pem.indexOf('\n') < 0 ? pem.replace("\\n", "\n") : pem;
        Matcher block = BLOCK.matcher(text);
        String firstLabel = null;
        while (block.find()) {
            String label = block.group(1);
            firstLabel = firstLabel == null ? label : firstLabel;
            if (label.equals("PRIVATE KEY")) {
                return new RsaSigningKey(pkcs8(decode(block.group(2))));
            }
            if (label.equals("RSA PRIVATE KEY")) {
                return new RsaSigningKey(pkcs8(wrapPkcs1(decode(block.group(2)))));
            }
        }
        throw new IllegalArgumentException(firstLabel == null
                ? "not a PEM private key: expected a -----BEGIN RSA PRIVATE KEY----- or -----BEGIN PRIVATE KEY----- block"
                : unsupported(firstLabel));
    }

    private static String unsupported(String label) {
        return switch (label) {
            case "ENCRYPTED PRIVATE KEY" -> "the private key is encrypted (BEGIN ENCRYPTED PRIVATE KEY); "
                    + "store it unencrypted, e.g. openssl pkcs8 -topk8 -nocrypt -in key.pem -out plain.pem";
            case "EC PRIVATE KEY" -> "the key is an EC key; a GitHub App private key is RSA";
            case "OPENSSH PRIVATE KEY" -> "the key is in OpenSSH format; expected the PEM file GitHub downloads";
            default -> "the PEM block is a " + label + ", not a private key "
                    + "(expected BEGIN RSA PRIVATE KEY or BEGIN PRIVATE KEY)";
        };
    }

    private static byte[] decode(String body) {
        try {
            return Base64.getDecoder().decode(body.replaceAll("\\s+", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the PEM block is not valid base64");
        }
    }

    private static RSAPrivateKey pkcs8(byte[] der) {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        try {
            return (RSAPrivateKey) KeyFactory.getInstance("RSA").generatePrivate(spec);
        } catch (GeneralSecurityException | ClassCastException notRsa) {
            for (String algorithm : OTHER_ALGORITHMS) {
                try {
                    KeyFactory.getInstance(algorithm).generatePrivate(spec);
                    throw new IllegalArgumentException("the key is an " + algorithm
                            + " key; a GitHub App private key is RSA");
                } catch (GeneralSecurityException notThisEither) {
                    // try the next one
                }
            }
            throw new IllegalArgumentException("the PEM block does not hold a valid RSA private key");
        }
    }

    /** PrivateKeyInfo ::= SEQUENCE { INTEGER 0, AlgorithmIdentifier, OCTET STRING (the PKCS#1 key) }. */
    private static byte[] wrapPkcs1(byte[] pkcs1) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x00});
        body.writeBytes(RSA_ALGORITHM);
        body.writeBytes(derHeader(0x04, pkcs1.length));
        body.writeBytes(pkcs1);
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        info.writeBytes(derHeader(0x30, body.size()));
        info.writeBytes(body.toByteArray());
        return info.toByteArray();
    }

    private static byte[] derHeader(int tag, int length) {
        if (length < 0x80) {
            return new byte[] {(byte) tag, (byte) length};
        }
        int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
        byte[] header = new byte[2 + bytes];
        header[0] = (byte) tag;
        header[1] = (byte) (0x80 | bytes);
        for (int i = 0; i < bytes; i++) {
            header[2 + i] = (byte) (length >>> (8 * (bytes - 1 - i)));
        }
        return header;
    }

    /** The key itself, for the code that signs with it. */
    public RSAPrivateKey key() {
        return key;
    }

    public String fingerprint() {
        return fingerprint;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RsaSigningKey other && MessageDigest.isEqual(key.getEncoded(), other.key.getEncoded());
    }

    @Override
    public int hashCode() {
        return fingerprint.hashCode();
    }

    /** Never the key: the JDK's own RSA key toString prints the private exponent. */
    @Override
    public String toString() {
        return "RSA private key (" + key.getModulus().bitLength() + " bits, " + fingerprint + ")";
    }
}
