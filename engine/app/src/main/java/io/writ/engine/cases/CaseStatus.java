package io.writ.engine.cases;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a case stands. {@code open} → {@code in_review} → {@code dismissed} | {@code proposed} →
 * {@code approved} | {@code rejected}, then {@code executing} → {@code enforced} → {@code appealed} →
 * {@code reinstating} → {@code reinstated}, and {@code closed}. {@link Transition} holds the moves between them.
 */
public enum CaseStatus {
    OPEN, IN_REVIEW, DISMISSED, PROPOSED, APPROVED, REJECTED, EXECUTING, ENFORCED, APPEALED, REINSTATING, REINSTATED, CLOSED;

    /** The name on the wire and in the database: lower case with underscores. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Whether the case still takes new evidence. Dismissed, reinstated and closed cases are finished: a
     * later decision about the same tenant and rule opens a new case instead.
     */
    public boolean takesEvidence() {
        return this != DISMISSED && this != REINSTATED && this != CLOSED;
    }

    public static Optional<CaseStatus> fromWire(String s) {
        return Arrays.stream(values()).filter(v -> v.wire().equals(s)).findFirst();
    }
}
