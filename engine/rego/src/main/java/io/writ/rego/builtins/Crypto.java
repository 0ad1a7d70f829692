package io.writ.rego.builtins;

import io.writ.rego.value.BooleanValue;
import io.writ.rego.value.StringValue;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Built-ins: message digests and HMACs ({@code crypto.md5}, {@code crypto.sha1}, {@code crypto.sha256},
 * {@code crypto.hmac.*}). Inputs are hashed as their UTF-8 bytes and results are lower-case hex, as in OPA.
 * OPA's X.509, JWK and RSA helpers in the same namespace are not part of this family.
 */
final class Crypto {
    private Crypto() {
    }

    static void register(Registry.Builder r) {
        digest(r, "crypto.md5", "MD5");
        digest(r, "crypto.sha1", "SHA-1");
        digest(r, "crypto.sha256", "SHA-256");
        hmac(r, "crypto.hmac.md5", "HmacMD5");
        hmac(r, "crypto.hmac.sha1", "HmacSHA1");
        hmac(r, "crypto.hmac.sha256", "HmacSHA256");
        hmac(r, "crypto.hmac.sha512", "HmacSHA512");
        r.fn("crypto.hmac.equal", 2, (ctx, a) -> {
            byte[] mac1 = utf8(Args.string("crypto.hmac.equal", a, 0));
            byte[] mac2 = utf8(Args.string("crypto.hmac.equal", a, 1));
            // MessageDigest.isEqual runs in time independent of where the inputs differ, like Go's hmac.Equal.
            return BooleanValue.of(MessageDigest.isEqual(mac1, mac2));
        });
    }

    private static void digest(Registry.Builder r, String name, String algorithm) {
        r.fn(name, 1, (ctx, a) -> {
            byte[] input = utf8(Args.string(name, a, 0));
            try {
                return hex(MessageDigest.getInstance(algorithm).digest(input));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(algorithm + " is not available", e);
            }
        });
    }

    private static void hmac(Registry.Builder r, String name, String algorithm) {
        r.fn(name, 2, (ctx, a) -> {
            byte[] message = utf8(Args.string(name, a, 0));
            byte[] key = utf8(Args.string(name, a, 1));
            try {
                Mac mac = Mac.getInstance(algorithm);
                // An empty key is legal for HMAC (Go accepts it) but SecretKeySpec refuses one; a single zero
                // byte is equivalent, because HMAC zero-pads the key to the block size.
                mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, algorithm));
                return hex(mac.doFinal(message));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(algorithm + " is not available", e);
            }
        });
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static StringValue hex(byte[] bytes) {
        return StringValue.of(HexFormat.of().formatHex(bytes));
    }
}
