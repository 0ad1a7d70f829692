package io.writ.engine.enforcement;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** A plan's phase: waiting out the notice, applying, enforced, reverting, reinstated. */
public enum PlanPhase {
    NOTICE, APPLY, ENFORCED, REVERT, REINSTATED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<PlanPhase> fromWire(String s) {
        return Arrays.stream(values()).filter(v -> v.wire().equals(s)).findFirst();
    }
}
