package io.writ.engine.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A C2SP signed-note verifier key for Ed25519: {@code <name>+<hex key id>+<base64(0x01 ‖ public key)>}.
 * It checks the signatures of checkpoints; auditors get it from {@code GET /v1/log/public-key} once and keep it.
 */
public record VerifierKey(String name, byte[] publicKey) {
    // the DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410), followed by the 32-byte key
    private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    public VerifierKey {
        checkName(name);
        if (publicKey.length != 32) {
            throw new IllegalArgumentException("an Ed25519 public key has 32 bytes, not " + publicKey.length);
        }
        publicKey = publicKey.clone();
    }

    /** Parses the text form; the key id must match the name and key. */
    public static VerifierKey parse(String text) {
        Parts p = Parts.of(text.strip(), "verifier key");
        VerifierKey k = new VerifierKey(p.name(), p.key());
        p.checkId(k.keyId());
        return k;
    }

    /** {@code <name>+<hex key id>+<base64(0x01 ‖ 32 bytes)>}, split and decoded: both key forms end so. */
    record Parts(String what, String name, String id, byte[] key) {
        static Parts of(String text, String what) {
            String[] parts = text.split("\\+", 3); // the base64 part may hold a +
            if (parts.length != 3) {
                throw new IllegalArgumentException("a " + what + " has the form <name>+<hex key id>+<base64 key>");
            }
            byte[] raw;
            try {
                raw = Base64.getDecoder().decode(parts[2]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the " + what + "'s last part is not base64");
            }
            if (raw.length != 33 || raw[0] != LogKey.ED25519) {
                throw new IllegalArgumentException("the " + what + " is not an Ed25519 key (0x01 followed by 32 bytes)");
            }
            return new Parts(what, parts[0], parts[1], Arrays.copyOfRange(raw, 1, 33));
        }

        void checkId(byte[] keyId) {
            if (!HexFormat.of().formatHex(keyId).equals(id.toLowerCase())) {
                throw new IllegalArgumentException("the " + what + "'s id " + id + " does not match its name and key");
            }
        }
    }

    static String checkName(String name) {
        if (name == null || name.isEmpty() || name.chars().anyMatch(c -> Character.isWhitespace(c) || c == '+' || c < 0x20)) {
            throw new IllegalArgumentException("a key name must be non-empty, without spaces or '+': '" + name + "'");
        }
        return name;
    }

    static byte[] keyId(String name, byte[] publicKey) {
        var sha = Merkle.sha256();
        sha.update(name.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0x0A);
        sha.update(LogKey.ED25519);
        return Arrays.copyOf(sha.digest(publicKey), 4);
    }

    public byte[] keyId() {
        return keyId(name, publicKey);
    }

    /** Whether {@code signature} is this key's Ed25519 signature of {@code message}. */
    public boolean verify(byte[] message, byte[] signature) {
        try {
            byte[] spki = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + 32);
            System.arraycopy(publicKey, 0, spki, SPKI_PREFIX.length, 32);
            PublicKey pk = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(pk);
            s.update(message);
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        byte[] raw = new byte[33];
        raw[0] = LogKey.ED25519;
        System.arraycopy(publicKey, 0, raw, 1, 32);
        return name + "+" + HexFormat.of().formatHex(keyId()) + "+" + Base64.getEncoder().encodeToString(raw);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VerifierKey k && k.name.equals(name) && Arrays.equals(k.publicKey, publicKey);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(publicKey);
    }
}
