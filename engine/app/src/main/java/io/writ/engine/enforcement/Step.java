package io.writ.engine.enforcement;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The connector call a row waits for; its idempotency key is the case, the action index and this step. */
public enum Step {
    APPLY, VERIFY, REVERT, VERIFY_REVERT;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Step> fromWire(String s) {
        return Arrays.stream(values()).filter(v -> v.wire().equals(s)).findFirst();
    }

    boolean reverting() {
        return this == REVERT || this == VERIFY_REVERT;
    }
}
