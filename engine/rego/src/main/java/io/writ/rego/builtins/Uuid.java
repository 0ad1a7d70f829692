package io.writ.rego.builtins;

import io.writ.rego.value.NumberValue;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Built-ins: {@code uuid.rfc4122} and {@code uuid.parse}.
 *
 * <p>{@code uuid.rfc4122(k)} must return a random version-4 UUID that stays the same for the same {@code k}
 * throughout one evaluation. OPA keeps a per-evaluation cache for that; Writ's built-ins have none, so the
 * UUID is instead derived from the evaluation clock ({@link BuiltinContext#nowNanos()}, fixed for one
 * evaluation) and {@code k}: the first 16 bytes of SHA-256 over both, with the version-4 and RFC 4122 variant
 * bits set. Different evaluations (different clocks) and different keys give unrelated UUIDs, and within an
 * evaluation the result is stable, which is all OPA promises.
 *
 * <p>{@code uuid.parse} accepts what Go's {@code github.com/google/uuid} accepts (plain, braced, {@code urn:uuid:}
 * and 32-digit forms) and is undefined for anything else, as in OPA.
 */
final class Uuid {
    private Uuid() {
    }

    /** 100-nanosecond intervals between the Gregorian reform (1582-10-15) and the Unix epoch. */
    private static final long GREGORIAN_TO_UNIX_100NS = (2440587L - 2299160L) * 86400L * 10_000_000L;

    static void register(Registry.Builder r) {
        r.nondeterministic("uuid.rfc4122", 1, (ctx, a) -> StringValue.of(derivedV4(ctx.nowNanos(), a[0])));
        r.fn("uuid.parse", 1, (ctx, a) -> {
            byte[] uuid = parse(Args.string("uuid.parse", a, 0));
            return uuid == null ? null : describe(uuid);
        });
    }

    private static String derivedV4(long nowNanos, Value key) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        sha.update(ByteBuffer.allocate(Long.BYTES).putLong(nowNanos).array());
        sha.update(key.toRego().getBytes(StandardCharsets.UTF_8));
        byte[] b = sha.digest();
        b[6] = (byte) ((b[6] & 0x0f) | 0x40);
        b[8] = (byte) ((b[8] & 0x3f) | 0x80);
        String hex = HexFormat.of().formatHex(b, 0, 16);
        return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
                + hex.substring(16, 20) + "-" + hex.substring(20);
    }

    /** The 16 bytes of {@code s}, or null when google/uuid's Parse would fail. */
    private static byte[] parse(String s) {
        byte[] in = s.getBytes(StandardCharsets.UTF_8);
        int start;
        switch (in.length) {
            case 36 -> start = 0;
            case 45 -> {
                if (!new String(in, 0, 9, StandardCharsets.ISO_8859_1).equalsIgnoreCase("urn:uuid:")) {
                    return null;
                }
                start = 9;
            }
            case 38 -> start = 1; // google/uuid skips the first and last byte without checking for braces
            case 32 -> {
                byte[] out = new byte[16];
                for (int i = 0; i < 16; i++) {
                    int v = hexByte(in, i * 2);
                    if (v < 0) {
                        return null;
                    }
                    out[i] = (byte) v;
                }
                return out;
            }
            default -> {
                return null;
            }
        }
        if (in[start + 8] != '-' || in[start + 13] != '-' || in[start + 18] != '-' || in[start + 23] != '-') {
            return null;
        }
        int[] offsets = {0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34};
        byte[] out = new byte[16];
        for (int i = 0; i < 16; i++) {
            int v = hexByte(in, start + offsets[i]);
            if (v < 0) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }

    /** The byte written as two hex digits at {@code i}, or -1. Non-ASCII bytes are negative, so never digits. */
    private static int hexByte(byte[] in, int i) {
        int hi = Character.digit(in[i], 16);
        int lo = Character.digit(in[i + 1], 16);
        return hi < 0 || lo < 0 ? -1 : hi << 4 | lo;
    }

    private static ObjectValue describe(byte[] u) {
        int version = (u[6] & 0xff) >> 4;
        ObjectValue.Builder out = ObjectValue.builder()
                .put("version", NumberValue.of(version))
                .put("variant", StringValue.of(variant(u[8] & 0xff)));
        if (version == 1 || version == 2) {
            ByteBuffer buf = ByteBuffer.wrap(u);
            long time = Integer.toUnsignedLong(buf.getInt(0))
                    | (long) Short.toUnsignedInt(buf.getShort(4)) << 32
                    | (long) (Short.toUnsignedInt(buf.getShort(6)) & 0x0fff) << 48;
            long sinceEpoch = time - GREGORIAN_TO_UNIX_100NS;
            // Go's UnixTime splits into seconds and nanoseconds with truncating division; so does Java.
            long unixNanos = sinceEpoch / 10_000_000L * 1_000_000_000L + sinceEpoch % 10_000_000L * 100L;
            out.put("time", NumberValue.of(unixNanos));
            StringBuilder node = new StringBuilder();
            for (int i = 10; i < 16; i++) {
                if (i > 10) {
                    node.append('-');
                }
                node.append(HexFormat.of().toHexDigits(u[i]));
            }
            out.put("nodeid", StringValue.of(node.toString()));
            out.put("macvariables", StringValue.of(macVariables(u[10] & 0xff)));
            out.put("clocksequence", NumberValue.of(Short.toUnsignedInt(buf.getShort(8)) & 0x3fff));
            if (version == 2) {
                out.put("id", NumberValue.of(Integer.toUnsignedLong(buf.getInt(0))));
                out.put("domain", StringValue.of(domain(u[9] & 0xff)));
            }
        }
        return out.build();
    }

    private static String variant(int b) {
        if ((b & 0xc0) == 0x80) {
            return "RFC4122";
        }
        if ((b & 0xe0) == 0xc0) {
            return "Microsoft";
        }
        if ((b & 0xe0) == 0xe0) {
            return "Future";
        }
        return "Reserved";
    }

    private static String macVariables(int first) {
        if ((first & 0b11) == 0b11) {
            return "local:multicast";
        }
        if ((first & 0b01) == 0b01) {
            return "global:multicast";
        }
        if ((first & 0b10) == 0b10) {
            return "local:unicast";
        }
        return "global:unicast";
    }

    private static String domain(int d) {
        return switch (d) {
            case 0 -> "Person";
            case 1 -> "Group";
            case 2 -> "Org";
            default -> "Domain" + d;
        };
    }
}
