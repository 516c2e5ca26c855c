package dev.rlproxy.core.tokens;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;

/** A GitHub App key pair made in the test, written as PEM the two ways GitHub and openssl do. */
public final class TestKeys {

    public final RSAPrivateKey privateKey;
    public final RSAPublicKey publicKey;

    private TestKeys(KeyPair pair) {
        this.privateKey = (RSAPrivateKey) pair.getPrivate();
        this.publicKey = (RSAPublicKey) pair.getPublic();
    }

    public static TestKeys generate() {
        return new TestKeys(pair("RSA", 2048));
    }

    static KeyPair pair(String algorithm, int size) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if (size > 0) {
                generator.initialize(size);
            }
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code BEGIN PRIVATE KEY}: what {@code openssl pkcs8 -topk8} writes. */
    public String pkcs8Pem() {
        return pem("PRIVATE KEY", privateKey.getEncoded());
    }

    /** {@code BEGIN RSA PRIVATE KEY}: what GitHub's App settings page downloads. */
    public String pkcs1Pem() {
        return pem("RSA PRIVATE KEY", pkcs1(privateKey.getEncoded()));
    }

    static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    /** The OCTET STRING inside PrivateKeyInfo { version, algorithm, privateKey }: the PKCS#1 key. */
    private static byte[] pkcs1(byte[] pkcs8) {
        int[] at = {0};
        enter(pkcs8, at);            // PrivateKeyInfo SEQUENCE
        skip(pkcs8, at);             // version
        skip(pkcs8, at);             // AlgorithmIdentifier
        int length = enter(pkcs8, at);
        return Arrays.copyOfRange(pkcs8, at[0], at[0] + length);
    }

    /** Reads a tag and length, leaving {@code at} on the content; returns the content's length. */
    private static int enter(byte[] der, int[] at) {
        at[0]++;
        int first = der[at[0]++] & 0xff;
        if (first < 0x80) {
            return first;
        }
        int length = 0;
        for (int i = 0; i < (first & 0x7f); i++) {
            length = (length << 8) | (der[at[0]++] & 0xff);
        }
        return length;
    }

    private static void skip(byte[] der, int[] at) {
        int length = enter(der, at);
        at[0] += length;
    }
}
