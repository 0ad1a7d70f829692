package io.writ.engine.storage;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * UUID version 7 (RFC 9562 §5.7): 48 bits of Unix milliseconds, then random bits. Rows keyed by these ids are
 * inserted at the end of their index instead of at a random place, so a commit rewrites a few index pages rather
 * than one page per row (on H2 each commit writes every page it changed), and the ids still need no coordination
 * between service instances.
 */
public final class TimeOrderedIds {
    private static final SecureRandom RANDOM = new SecureRandom();

    private TimeOrderedIds() {
    }

    /** A new version 7 UUID, as its canonical string. */
    public static String next() {
        return at(System.currentTimeMillis()).toString();
    }

    static UUID at(long unixMillis) {
        byte[] r = new byte[10];
        RANDOM.nextBytes(r);
        long high = (unixMillis & 0xFFFF_FFFF_FFFFL) << 16
                | 0x7000L                                   // version 7
                | ((r[0] & 0x0FL) << 8) | (r[1] & 0xFFL);   // 12 random bits
        long low = 0;
        for (int i = 2; i < 10; i++) {
            low = low << 8 | (r[i] & 0xFFL);
        }
        low = low & 0x3FFF_FFFF_FFFF_FFFFL | 0x8000_0000_0000_0000L; // variant 10, 62 random bits
        return new UUID(high, low);
    }
}
