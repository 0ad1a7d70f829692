package io.writ.engine.enforcement;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.core.annotation.Nullable;
import io.writ.engine.audit.AuditLog;
import io.writ.engine.audit.Entries;
import io.writ.rego.value.BooleanValue;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.StringValue;
import jakarta.inject.Singleton;

import java.util.Locale;

/**
 * Records what enforcement does, in the transaction of the change it records: in the plan's history (shown with the
 * plan) and as an entry of the audit log, so that what was done at a provider, by whom and when is provable. Kinds:
 * {@code enforcement.notice}, {@code enforcement.execute}, {@code enforcement.apply}, {@code enforcement.verify},
 * {@code enforcement.hold}, {@code enforcement.release}, {@code enforcement.retry}, {@code enforcement.reinstate},
 * {@code enforcement.revert}, {@code enforcement.verify-revert}, {@code enforcement.deadline},
 * {@code enforcement.enforced}, {@code enforcement.reinstated}, {@code enforcement.pause} and
 * {@code enforcement.resume}.
 */
@Singleton
class EnforcementJournal {
    private final PlanStore store;
    private final AuditLog audit;

    EnforcementJournal(PlanStore store, AuditLog audit) {
        this.store = store;
        this.audit = audit;
    }

    /**
     * One step of a plan, or of one of its actions ({@code index}); the entry carries the action and its state after
     * the step (what the connector returned, errors).
     */
    void step(String caseId, @Nullable Integer index, String step, String outcome, String actor, @Nullable String detail) {
        store.addEvent(caseId, index, step, outcome, actor, detail);
        ObjectValue.Builder b = head(caseId).put("step", StringValue.of(step)).put("outcome", StringValue.of(outcome))
                .put("actor", StringValue.of(actor)).put("detail", Entries.text(detail));
        if (index != null) {
            store.action(caseId, index).ifPresent(a -> b.put("action", PlanJson.value(PlanViews.action(a))));
        }
        audit.append(kind(step, outcome), b.build());
    }

    /** The notice issued with a new plan. */
    void notice(String caseId, ObjectNode notice, String actor) {
        store.addEvent(caseId, null, "notice", "issued", actor, "effective from " + notice.path("effective_from").asText());
        audit.append("enforcement.notice", head(caseId).put("actor", StringValue.of(actor))
                .put("notice", PlanJson.value(notice)).build());
    }

    /** The kill switch turned on or off. */
    void control(boolean paused, String reason, String actor) {
        audit.append(paused ? "enforcement.pause" : "enforcement.resume", ObjectValue.builder()
                .put("paused", BooleanValue.of(paused)).put("reason", StringValue.of(reason))
                .put("actor", StringValue.of(actor)).build());
    }

    private ObjectValue.Builder head(String caseId) {
        ObjectValue.Builder b = ObjectValue.builder().put("case", StringValue.of(caseId));
        store.tenantOf(caseId).ifPresent(t -> b.put("tenant", StringValue.of(t)));
        return b;
    }

    /** {@code enforcement.<step>}; an action held or released is a step of its own for whoever reads the log. */
    static String kind(String step, String outcome) {
        String s = switch (outcome) {
            case "held" -> "hold";
            case "released" -> "release";
            case "retry" -> "retry";
            default -> step;
        };
        return "enforcement." + s.replace('_', '-').toLowerCase(Locale.ROOT);
    }
}
