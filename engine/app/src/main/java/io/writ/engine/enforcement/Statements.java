package io.writ.engine.enforcement;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.writ.engine.cases.CaseRecord;
import io.writ.engine.cases.CaseRow;

import java.util.function.UnaryOperator;

/**
 * The statement of reasons of an enforcement, with the fields of the EU Digital Services Act, Art. 17(3): (a) the
 * restriction, its scope and duration; (b) the facts and circumstances relied on; (c) whether automated means were
 * used, for detection and for the decision; (e) the contractual ground and why it applies; (f) the redress available.
 * Reporters of external reports never appear in it.
 */
final class Statements {
    private Statements() {
    }

    /**
     * @param facts the case's facts, reporters removed
     * @param mask  masks reporters in free text written by staff (the proposal's reason)
     */
    static ObjectNode statement(CaseRecord r, Plan plan, ArrayNode facts, UnaryOperator<String> mask,
                                EnforcementSettings settings) {
        CaseRow c = r.row();
        ObjectNode s = PlanJson.object();
        s.put("case", c.id());
        s.put("tenant", c.tenantId());
        s.put("issued_at", PlanStore.now().toString());
        s.put("status", c.status().wire());

        ObjectNode restriction = s.putObject("restriction");
        ArrayNode measures = restriction.putArray("measures");
        for (PlanAction a : plan.actions()) {
            measures.addObject().put("action", a.kind()).put("description", Notices.describe(a.spec()))
                    .put("status", a.status().wire());
        }
        restriction.set("scope", plan.scope());
        restriction.put("scope_note", "only the subscriptions, services and resources named here; nothing else of the tenant is touched");
        restriction.put("duration", Notices.DURATION);
        restriction.put("notice_period", plan.noticePeriod().toString());
        restriction.put("effective_from", (plan.startedAt() != null ? plan.startedAt() : plan.executeAfter()).toString());

        ObjectNode circumstances = s.putObject("facts_and_circumstances");
        circumstances.set("findings", facts);
        CaseRow.Proposal p = c.proposal();
        circumstances.put("reviewer_assessment", p == null ? null : mask.apply(p.reason()));

        ObjectNode automated = s.putObject("automated_means");
        automated.put("used_for_detection", true);
        ArrayNode sources = automated.putArray("detection_sources");
        Facts.sources(facts).forEach(sources::add);
        automated.put("detection", "the tenant's metadata (usage, classifier labels, reports, attestations) was evaluated "
                + "automatically against the acceptable-use policy, which flagged the case for review");
        automated.put("used_for_decision", false);
        automated.put("decision", "a reviewer proposed the restriction and " + r.approvals().size()
                + " approver(s), none of them the proposer, approved it; no automated decision was taken");

        ObjectNode ground = s.putObject("contractual_ground");
        ground.put("clause", plan.clause());
        ground.put("rule", plan.rule());
        ArrayNode why = ground.putArray("why_it_applies");
        for (JsonNode f : facts) {
            if (f.hasNonNull("explanation")) {
                why.add(f.get("explanation").asText());
            }
        }
        if (p != null) {
            why.add(mask.apply(p.reason()));
        }

        ObjectNode redress = s.putObject("redress");
        redress.put("internal_complaint", Notices.appeal(c.id(), settings.appealContact()));
        redress.put("out_of_court_dispute_settlement", "a certified out-of-court dispute settlement body (DSA Art. 21) may "
                + "be approached; its decision is not binding on either party");
        redress.put("judicial_redress", "the courts of competent jurisdiction remain open at any time");
        return s;
    }
}
