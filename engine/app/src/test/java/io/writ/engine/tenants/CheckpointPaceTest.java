package io.writ.engine.tenants;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** How many snapshots a checkpoint pass writes: the waiting tenants spread over checkpoint-after, within bounds. */
class CheckpointPaceTest {
    private static final Duration SECOND = Duration.ofSeconds(1);
    private static final Duration TEN = Duration.ofSeconds(10);

    @Test
    void aPassWritesItsShareOfTheWaitingTenants() {
        // 1,000 tenants waiting, a pass a second, each written every 10 s: 100 a pass, not 250 four passes in a row
        assertThat(DossierStore.passLimit(1000, SECOND, TEN, 250)).isEqualTo(100);
        assertThat(DossierStore.passLimit(1001, SECOND, TEN, 250)).isEqualTo(101);
        assertThat(DossierStore.passLimit(25, Duration.ofMillis(500), TEN, 250)).isEqualTo(2);
    }

    @Test
    void aPassWritesAtLeastOneAndAtMostTheLimit() {
        assertThat(DossierStore.passLimit(3, SECOND, TEN, 250)).isEqualTo(1);
        assertThat(DossierStore.passLimit(0, SECOND, TEN, 250)).isEqualTo(1);
        assertThat(DossierStore.passLimit(100_000, SECOND, TEN, 250)).isEqualTo(250);
    }

    @Test
    void untimedPassesOrNoWaitingWriteUpToTheLimit() {
        assertThat(DossierStore.passLimit(1000, Duration.ZERO, TEN, 250)).isEqualTo(250);
        assertThat(DossierStore.passLimit(1000, SECOND, Duration.ZERO, 7)).isEqualTo(7);
    }
}
