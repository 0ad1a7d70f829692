package io.writ.engine.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The log's Ed25519 signing key with its C2SP signed-note name. Text form, as Go's {@code note} package writes
 * it: {@code PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 ‖ 32-byte seed)>}. {@link #toString()} never shows
 * the private part.
 */
public final class LogKey {
    static final byte ED25519 = 0x01;
    private static final String PREFIX = "PRIVATE+KEY+";

    private final String name;
    private final PrivateKey privateKey;
    private final byte[] seed;
    private final byte[] publicKey;

    private LogKey(String name, byte[] seed) {
        this.name = VerifierKey.checkName(name);
        this.seed = seed.clone();
        try {
            // the JDK derives the public key only while generating a pair: feed it the seed as its randomness,
            // then check the pair it made holds exactly that seed
            KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
            g.initialize(NamedParameterSpec.ED25519, new FixedRandom(seed));
            KeyPair pair = g.generateKeyPair();
            byte[] made = ((EdECPrivateKey) pair.getPrivate()).getBytes().orElseThrow();
            if (!Arrays.equals(made, seed)) {
                throw new IllegalStateException("this JDK does not derive Ed25519 keys from a given seed");
            }
            this.privateKey = KeyFactory.getInstance("Ed25519")
                    .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed));
            byte[] spki = pair.getPublic().getEncoded();
            this.publicKey = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is not available: " + e.getMessage(), e);
        }
    }

    /** A new random key named {@code name} (the log's origin, as a rule). */
    public static LogKey generate(String name) {
        byte[] seed = new byte[32];
        new SecureRandom().nextBytes(seed);
        return new LogKey(name, seed);
    }

    /** Reads the text form; the message of a failure never quotes the key. */
    public static LogKey parse(String text) {
        String t = text.strip();
        if (!t.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not a signing key: it must start with " + PREFIX);
        }
        VerifierKey.Parts p = VerifierKey.Parts.of(t.substring(PREFIX.length()), "signing key");
        LogKey k = new LogKey(p.name(), p.key());
        p.checkId(k.keyId());
        return k;
    }

    /** The text form, private part included: for the key file only. */
    public String privateText() {
        byte[] raw = new byte[33];
        raw[0] = ED25519;
        System.arraycopy(seed, 0, raw, 1, 32);
        return PREFIX + name + "+" + HexFormat.of().formatHex(keyId()) + "+" + Base64.getEncoder().encodeToString(raw);
    }

    public String name() {
        return name;
    }

    /** The key id: the first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key). */
    public byte[] keyId() {
        return VerifierKey.keyId(name, publicKey);
    }

    /** What verifiers are given: {@code <name>+<hex key id>+<base64(0x01 ‖ public key)>}. */
    public VerifierKey verifier() {
        return new VerifierKey(name, publicKey);
    }

    byte[] sign(byte[] message) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(privateKey);
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign: " + e.getMessage(), e);
        }
    }

    /** The signed-note signature line for {@code text}: {@code — <name> <base64(key id ‖ signature)>}. */
    String signatureLine(String text) {
        byte[] sig = sign(text.getBytes(StandardCharsets.UTF_8));
        byte[] blob = new byte[4 + sig.length];
        System.arraycopy(keyId(), 0, blob, 0, 4);
        System.arraycopy(sig, 0, blob, 4, sig.length);
        return "\u2014 " + name + " " + Base64.getEncoder().encodeToString(blob) + "\n";
    }

    @Override
    public String toString() {
        return "LogKey[" + verifier() + "]";
    }

    /** Hands the key generator the seed instead of random bytes. */
    private static final class FixedRandom extends SecureRandom {
        private final byte[] bytes;

        FixedRandom(byte[] bytes) {
            this.bytes = bytes.clone();
        }

        @Override
        public void nextBytes(byte[] out) {
            if (out.length != bytes.length) {
                throw new IllegalStateException("the key generator asked for " + out.length + " bytes, not " + bytes.length);
            }
            System.arraycopy(bytes, 0, out, 0, out.length);
        }
    }
}
