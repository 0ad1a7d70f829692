package io.writ.engine.storage;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class TimeOrderedIdsTest {
    @Test
    void versionSevenWithTheTimeInFrontAndTheRfcVariant() {
        long t = 1_764_331_200_123L;
        UUID id = TimeOrderedIds.at(t);
        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(t);
        assertThat(id.toString()).startsWith(String.format("%08x-%04x-7", t >>> 16, t & 0xFFFF));
    }

    @Test
    void laterIdsSortAfterEarlierOnesAsText() {
        String earlier = TimeOrderedIds.at(1_000_000L).toString();
        String later = TimeOrderedIds.at(1_000_001L).toString();
        assertThat(earlier).isLessThan(later);
    }

    @Test
    void idsOfOneMillisecondDiffer() {
        Set<UUID> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            seen.add(TimeOrderedIds.at(42L));
        }
        assertThat(seen).hasSize(10_000);
    }
}
