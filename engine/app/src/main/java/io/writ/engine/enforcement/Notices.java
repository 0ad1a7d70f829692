package io.writ.engine.enforcement;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.writ.engine.cases.CaseRecord;
import io.writ.engine.cases.CaseRow;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The notice to a tenant, generated when a case is approved: which clause was broken, the facts relied on, what will
 * be restricted and for how long, when, and how to appeal. Kept on the plan as JSON with its rendered text.
 */
final class Notices {
    static final String DURATION = "until the restriction is lifted on appeal (then every change is reverted exactly), "
            + "or the case is closed";

    private Notices() {
    }

    static ObjectNode notice(CaseRecord r, CaseRow.Proposal p, ArrayNode facts, Duration period, Instant executeAfter,
                             String appealContact, Instant now) {
        CaseRow c = r.row();
        ObjectNode n = PlanJson.object();
        n.put("tenant", c.tenantId());
        n.put("case", c.id());
        n.put("clause", p.clause());
        n.put("rule", c.rule());
        n.set("facts", facts);
        n.set("scope", PlanJson.jackson(p.scope()));
        n.set("actions", PlanJson.jackson(p.actions()));
        n.put("duration", DURATION);
        n.put("notice_period", period.toString());
        n.put("effective_from", executeAfter.toString());
        n.put("appeal", appeal(c.id(), appealContact));
        n.put("issued_at", now.toString());
        n.put("text", text(c, p, facts, period, executeAfter, appealContact));
        return n;
    }

    static String appeal(String caseId, String contact) {
        return "Appeal by writing to " + contact + " quoting case " + caseId + ", with any evidence that the use is lawful "
                + "or covered by an authorisation; a person who took no part in the decision reviews it, and on a "
                + "successful appeal every change is reverted.";
    }

    private static String text(CaseRow c, CaseRow.Proposal p, ArrayNode facts, Duration period, Instant executeAfter,
                               String contact) {
        List<String> what = new ArrayList<>();
        for (JsonNode a : PlanJson.jackson(p.actions())) {
            what.add(describe(a));
        }
        List<String> why = new ArrayList<>();
        for (JsonNode f : facts) {
            if (f.hasNonNull("explanation")) {
                why.add("- " + f.get("explanation").asText());
            }
        }
        return "Notice of enforcement (case " + c.id() + ", tenant " + c.tenantId() + ")\n\n"
                + "Your use of the service breaks clause " + p.clause() + " of the acceptable-use policy (" + c.rule() + ").\n"
                + (why.isEmpty() ? "" : "The facts relied on:\n" + String.join("\n", why) + "\n")
                + "\nWhat will be restricted: " + String.join("; ", what) + ".\n"
                + "Scope: " + PlanJson.text(PlanJson.jackson(p.scope())) + "; nothing outside it is touched.\n"
                + "Duration: " + DURATION + ".\n"
                + (period.isZero() ? "The restriction takes effect at once; this rule allows no notice period.\n"
                : "The restriction takes effect on " + executeAfter + " (notice period " + period + ").\n")
                + "\n" + appeal(c.id(), contact) + "\n";
    }

    /** One action in words: "disable-subscription on subscription sub-a". */
    static String describe(JsonNode a) {
        StringBuilder b = new StringBuilder(a.path("action").asText("?"));
        List<String> on = new ArrayList<>();
        a.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("action")) {
                on.add(e.getKey() + " " + (e.getValue().isTextual() ? e.getValue().asText() : PlanJson.text(e.getValue())));
            }
        });
        return on.isEmpty() ? b.toString() : b.append(" on ").append(String.join(", ", on)).toString();
    }
}
