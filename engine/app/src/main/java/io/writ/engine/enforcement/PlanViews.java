package io.writ.engine.enforcement;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.core.annotation.Nullable;
import io.writ.engine.cases.CaseRow;

import java.time.Instant;
import java.util.List;

/** Plans as JSON: the plan endpoint and the {@code enforcement} section of the case view. */
final class PlanViews {
    private PlanViews() {
    }

    static ObjectNode plan(Plan p, List<PlanStore.Event> events, EnforcementSettings settings, boolean paused) {
        ObjectNode o = head(p.caseId(), true, settings, paused);
        o.put("phase", p.phase().wire());
        o.put("clause", p.clause());
        o.set("scope", p.scope());
        o.put("approved_by", p.approvedBy());
        o.put("notice_period", p.noticePeriod().toString());
        o.put("execute_after", p.executeAfter().toString());
        o.put("started_at", time(p.startedAt()));
        o.put("started_by", p.startedBy());
        o.put("start_reason", p.startReason());
        o.set("notice", p.notice());
        ArrayNode actions = o.putArray("actions");
        p.actions().forEach(a -> actions.add(action(a)));
        o.set("deadline_warnings", deadlineWarnings(p, settings, PlanStore.now()));
        ArrayNode history = o.putArray("history");
        for (PlanStore.Event e : events) {
            ObjectNode h = history.addObject();
            if (e.index() != null) {
                h.put("action", e.index());
            }
            h.put("step", e.step());
            h.put("outcome", e.outcome());
            h.put("actor", e.actor());
            h.put("detail", e.detail());
            h.put("at", e.at().toString());
        }
        return o;
    }

    /** A proposal not approved yet, routed like a plan would be. */
    static ObjectNode proposal(CaseRow c, List<PlanAction> actions, EnforcementSettings settings, boolean paused) {
        ObjectNode o = head(c.id(), false, settings, paused);
        o.put("phase", "proposed");
        CaseRow.Proposal p = c.proposal();
        o.put("clause", p == null ? null : p.clause());
        o.set("scope", p == null ? null : PlanJson.jackson(p.scope()));
        ArrayNode out = o.putArray("actions");
        for (PlanAction a : actions) {
            ObjectNode v = out.addObject();
            v.put("index", a.index());
            v.set("action", a.spec());
            v.put("connector", a.connector());
            v.put("route_note", a.routeNote());
            v.put("status", a.status() == StepStatus.UNSUPPORTED ? StepStatus.UNSUPPORTED.wire() : "proposed");
        }
        return o;
    }

    /** The case view's summary: progress per action, the notice, deadlines; no history, no previews. */
    static ObjectNode section(Plan p, EnforcementSettings settings, boolean paused) {
        ObjectNode o = head(p.caseId(), true, settings, paused);
        o.put("phase", p.phase().wire());
        o.put("execute_after", p.executeAfter().toString());
        o.put("started_at", time(p.startedAt()));
        o.put("started_by", p.startedBy());
        o.set("notice", p.notice());
        ArrayNode actions = o.putArray("actions");
        p.actions().forEach(a -> actions.add(action(a)));
        o.set("deadline_warnings", deadlineWarnings(p, settings, PlanStore.now()));
        o.put("statement", "/v1/cases/" + p.caseId() + "/statement");
        return o;
    }

    private static ObjectNode head(String caseId, boolean frozen, EnforcementSettings settings, boolean paused) {
        ObjectNode o = PlanJson.object();
        o.put("case", caseId);
        o.put("frozen", frozen);
        o.put("dry_run_mode", settings.dryRun());
        o.put("execution_paused", paused);
        return o;
    }

    static ObjectNode action(PlanAction a) {
        ObjectNode v = PlanJson.object();
        v.put("index", a.index());
        v.set("action", a.spec());
        v.put("connector", a.connector());
        v.put("route_note", a.routeNote());
        v.put("status", a.status().wire());
        v.put("next_step", a.nextStep() == null ? null : a.nextStep().wire());
        v.put("attempts", a.attempts());
        v.put("next_attempt_at", time(a.nextAttemptAt()));
        v.set("last_error", a.errorCode() == null ? null : error(a.errorCode(), a.errorMessage()));
        v.put("idempotency_key", a.key(a.nextStep() == null ? Step.APPLY : a.nextStep()));
        v.set("applied", a.applied());
        v.put("applied_at", time(a.appliedAt()));
        v.set("verification", a.verification());
        v.put("verified_at", time(a.verifiedAt()));
        v.put("irreversible_after", time(a.irreversibleAfter()));
        if (a.releasedBy() != null) {
            v.putObject("released").put("by", a.releasedBy()).put("reason", a.releaseReason());
        }
        v.set("dry_run", a.dryRun());
        v.set("reverted", a.reverted());
        v.put("restored_at", time(a.restoredAt()));
        return v;
    }

    /**
     * Applied actions whose change the provider makes permanent within the warning window (a cancelled Azure
     * subscription's data is deleted about 90 days later), while the case can still be reversed.
     */
    static ArrayNode deadlineWarnings(Plan p, EnforcementSettings settings, Instant now) {
        ArrayNode out = PlanJson.MAPPER.createArrayNode();
        if (p.phase() == PlanPhase.REINSTATED) {
            return out;
        }
        for (PlanAction a : p.actions()) {
            Instant deadline = a.irreversibleAfter();
            if (deadline != null && a.restoredAt() == null && !deadline.isAfter(now.plus(settings.deadlineWarning()))) {
                ObjectNode w = out.addObject();
                w.put("action", a.index());
                w.put("irreversible_after", deadline.toString());
                w.put("message", "action " + a.index() + " (" + Notices.describe(a.spec()) + ") becomes irreversible after "
                        + deadline + ": the provider deletes the data unless it is reverted before then");
            }
        }
        return out;
    }

    static ObjectNode error(String code, @Nullable String message) {
        ObjectNode e = PlanJson.object();
        e.put("code", code);
        e.put("message", message);
        return e;
    }

    private static @Nullable String time(@Nullable Instant i) {
        return i == null ? null : i.toString();
    }
}
