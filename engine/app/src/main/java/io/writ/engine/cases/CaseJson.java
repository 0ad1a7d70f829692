package io.writ.engine.cases;

import io.micronaut.core.annotation.Nullable;
import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.BooleanValue;
import io.writ.rego.value.NullValue;
import io.writ.rego.value.NumberValue;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;

import java.time.Instant;
import java.util.List;

/**
 * Cases as JSON. The list shows summaries only; the evidence (with any reporter named in it) appears only in
 * the full record of one case, the single place DESIGN §7 allows it.
 */
final class CaseJson {
    private CaseJson() {
    }

    static String page(CaseService.Page page) {
        ObjectValue.Builder b = ObjectValue.builder()
                .put("cases", ArrayValue.of(page.cases().stream().map(c -> (Value) summaryFields(c).build()).toList()));
        if (page.next() != null) {
            b.put("next_cursor", StringValue.of(page.next().encode()));
        }
        return b.build().toJsonString();
    }

    static String full(CaseRecord r, List<CaseViewSection> sections) {
        CaseRow c = r.row();
        ObjectValue.Builder b = summaryFields(c)
                .put("tenant_segment", text(c.tenantSegment()))
                .put("scope", c.scope() == null ? NullValue.INSTANCE : c.scope())
                .put("approvals_needed", NumberValue.of(c.needsTwoApprovers() ? 2 : 1))
                .put("transitions", ArrayValue.of(Transition.available(c.status()).stream()
                        .map(t -> (Value) StringValue.of(t.wire())).toList()))
                .put("decision_ids", strings(r.decisionIds()))
                .put("evidence", ArrayValue.of(r.evidence().stream().map(e -> (Value) ObjectValue.builder()
                        .put("decision_id", StringValue.of(e.decisionId()))
                        .put("dossier_version", NumberValue.of(e.dossierVersion()))
                        .put("bundle_revision", text(e.bundleRevision()))
                        .put("decided_at", time(e.decidedAt()))
                        .put("verdict", StringValue.of(e.verdict()))
                        .put("severity", text(e.severity()))
                        .put("violation", e.violation())
                        .put("added_at", time(e.addedAt()))
                        .build()).toList()))
                .put("approvals", ArrayValue.of(r.approvals().stream().map(a -> (Value) ObjectValue.builder()
                        .put("approver", StringValue.of(a.approver()))
                        .put("reason", StringValue.of(a.reason()))
                        .put("approved_at", time(a.approvedAt()))
                        .build()).toList()))
                .put("history", ArrayValue.of(r.history().stream().map(e -> (Value) ObjectValue.builder()
                        .put("event", StringValue.of(e.name()))
                        .put("actor", StringValue.of(e.actor()))
                        .put("from", text(e.from()))
                        .put("to", StringValue.of(e.to()))
                        .put("reason", text(e.reason()))
                        .put("at", time(e.at()))
                        .build()).toList()));
        CaseRow.Proposal p = c.proposal();
        b.put("proposal", p == null ? NullValue.INSTANCE : ObjectValue.builder()
                .put("round", NumberValue.of(c.proposalRound()))
                .put("actions", p.actions())
                .put("scope", p.scope())
                .put("clause", StringValue.of(p.clause()))
                .put("reason", StringValue.of(p.reason()))
                .put("proposer", StringValue.of(p.proposer()))
                .put("proposed_at", time(p.proposedAt()))
                .build());
        for (CaseViewSection s : sections) {
            s.section(c).ifPresent(v -> b.put(s.name(), v));
        }
        return b.build().toJsonString();
    }

    private static ObjectValue.Builder summaryFields(CaseRow c) {
        return ObjectValue.builder()
                .put("id", StringValue.of(c.id()))
                .put("tenant", StringValue.of(c.tenantId()))
                .put("rule", StringValue.of(c.rule()))
                .put("clause", text(c.clause()))
                .put("severity", text(c.severity()))
                .put("verdict", StringValue.of(c.verdict()))
                .put("status", StringValue.of(c.status().wire()))
                .put("assignee", text(c.assignee()))
                .put("version", NumberValue.of(c.version()))
                .put("two_approvers", BooleanValue.of(c.needsTwoApprovers()))
                .put("created_at", time(c.createdAt()))
                .put("updated_at", time(c.updatedAt()));
    }

    private static Value strings(List<String> xs) {
        return ArrayValue.of(xs.stream().map(x -> (Value) StringValue.of(x)).toList());
    }

    private static Value text(@Nullable String s) {
        return s == null ? NullValue.INSTANCE : StringValue.of(s);
    }

    private static Value time(@Nullable Instant i) {
        return i == null ? NullValue.INSTANCE : StringValue.of(i.toString());
    }
}
