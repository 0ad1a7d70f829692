package io.writ.engine.cases;

import io.micronaut.core.annotation.Nullable;
import io.writ.engine.audit.Entries;
import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.NumberValue;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;

import java.util.List;

/**
 * The audit log entries of cases: a case opened or given evidence (kinds {@code case.open}, {@code case.evidence})
 * and every transition ({@code case.<transition>}, approvals included). Evidence is referred to by decision id and
 * violation digest: the violations themselves are in the decision's entry.
 */
final class CaseAudit {
    private CaseAudit() {
    }

    static String kind(String event) {
        return "case." + event;
    }

    /** The case after the event, the event, and what it brought: an approval, or the evidence digests. */
    static ObjectValue entry(CaseRow c, CaseRecord.Event e, @Nullable CaseRecord.Approval approval,
                             @Nullable String decisionId, List<String> evidenceDigests) {
        ObjectValue.Builder b = ObjectValue.builder()
                .put("tenant", StringValue.of(c.tenantId()))
                .put("case", StringValue.of(c.id()))
                .put("rule", StringValue.of(c.rule()))
                .put("case_version", NumberValue.of(c.version()))
                .put("actor", StringValue.of(e.actor()))
                .put("from", Entries.text(e.from()))
                .put("to", StringValue.of(e.to()))
                .put("reason", Entries.text(e.reason()))
                .put("verdict", StringValue.of(c.verdict()))
                .put("severity", Entries.text(c.severity()))
                .put("approvals_needed", NumberValue.of(c.needsTwoApprovers() ? 2 : 1));
        CaseRow.Proposal p = c.proposal();
        if (p != null && (c.status() == CaseStatus.PROPOSED || c.status() == CaseStatus.APPROVED)) {
            b.put("proposal", ObjectValue.builder()
                    .put("round", NumberValue.of(c.proposalRound()))
                    .put("actions", p.actions())
                    .put("scope", p.scope())
                    .put("clause", StringValue.of(p.clause()))
                    .put("proposer", StringValue.of(p.proposer()))
                    .build());
        }
        if (approval != null) {
            b.put("approval", ObjectValue.builder()
                    .put("approver", StringValue.of(approval.approver()))
                    .put("reason", StringValue.of(approval.reason()))
                    .build());
        }
        if (decisionId != null) {
            b.put("decision", StringValue.of(decisionId));
            b.put("evidence", ArrayValue.of(evidenceDigests.stream().map(d -> (Value) StringValue.of(d)).toList()));
        }
        return b.build();
    }
}
