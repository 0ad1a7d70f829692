package io.writ.engine.cases;

import io.micronaut.core.annotation.Nullable;
import io.writ.rego.value.Value;

import java.time.Instant;
import java.util.List;

/**
 * A whole case: its row, the evidence that fed it (one entry per violation of each decision), the approvals of
 * its current proposal and every event in order.
 */
public record CaseRecord(CaseRow row, List<Evidence> evidence, List<Approval> approvals, List<Event> history) {

    /**
     * One violation of one decision. The violation is kept whole (indicators, evidence, scope, actions,
     * explanation), reporters included: the case record is the one place they may be seen (DESIGN §7).
     */
    public record Evidence(String decisionId, long dossierVersion, @Nullable String bundleRevision, Instant decidedAt,
                           String verdict, @Nullable String severity, Value violation, Instant addedAt) {
    }

    public record Approval(String approver, String reason, Instant approvedAt) {
    }

    /** A transition or an evidence addition: who, from which state to which, why and when. */
    public record Event(String name, String actor, @Nullable String from, String to, @Nullable String reason,
                        Instant at) {
    }

    /** The ids of the decisions that fed the case, first seen first. */
    public List<String> decisionIds() {
        return evidence.stream().map(Evidence::decisionId).distinct().toList();
    }
}
