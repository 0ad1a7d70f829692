package io.writ.engine.enforcement;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Where one action of a plan stands. Applying: {@code pending → applying → applied → verified}; reverting:
 * {@code revert_pending → reverting → reverted → restored}. A row marked {@code applying} or {@code reverting} is
 * committed before the connector is called, so a crash leaves it so and the restart repeats the call with the same
 * idempotency key. Failures: {@code failed_retryable} (tried again at {@code next_attempt_at}), {@code failed_final}
 * (waits for a retry request). Blocked: {@code held} (blast-radius cap, waits for an admin), {@code would_apply}
 * (dry-run mode recorded the preview), {@code unsupported} (no configured connector supports it).
 */
public enum StepStatus {
    PENDING, HELD, APPLYING, APPLIED, VERIFIED, FAILED_RETRYABLE, FAILED_FINAL, WOULD_APPLY, UNSUPPORTED,
    REVERT_PENDING, REVERTING, REVERTED, RESTORED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<StepStatus> fromWire(String s) {
        return Arrays.stream(values()).filter(v -> v.wire().equals(s)).findFirst();
    }

    /** Rows that wait for a person (release, retry) before the plan can go on. */
    boolean blocked() {
        return this == HELD || this == FAILED_FINAL || this == WOULD_APPLY || this == UNSUPPORTED;
    }
}
