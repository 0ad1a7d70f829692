package io.writ.engine.enforcement;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.context.BeanProvider;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.micronaut.transaction.TransactionOperations;
import io.micronaut.transaction.support.TransactionSynchronization;
import io.writ.engine.cases.CaseMoveSink;
import io.writ.engine.cases.CaseRecord;
import io.writ.engine.cases.CaseRow;
import io.writ.engine.cases.CaseService;
import io.writ.engine.cases.CaseSink;
import io.writ.engine.cases.CaseStatus;
import io.writ.engine.cases.Transition;
import io.writ.engine.tenants.Dossier;
import io.writ.engine.tenants.DossierStore;
import io.writ.engine.web.Problem;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.StringValue;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Keeps the enforcement plan in step with its case, in the move's transaction: approval freezes the proposal's
 * actions into a plan and issues the notice; execute starts it; complete and restore are allowed only when every
 * action is verified, respectively reverted and verified; reinstate queues every applied action for reverting.
 */
@Singleton
class EnforcementPlanner implements CaseMoveSink {
    private final PlanStore store;
    private final ConnectorRegistry registry;
    private final EnforcementSettings settings;
    private final DossierStore dossiers;
    private final BeanProvider<CaseService> cases;
    private final BeanProvider<EnforcementWorker> worker;
    private final TransactionOperations<Connection> tx;
    private final Notices notices;
    private final EnforcementJournal journal;

    EnforcementPlanner(PlanStore store, ConnectorRegistry registry, EnforcementSettings settings, DossierStore dossiers,
                       BeanProvider<CaseService> cases, BeanProvider<EnforcementWorker> worker,
                       TransactionOperations<Connection> tx, Notices notices, EnforcementJournal journal) {
        this.store = store;
        this.registry = registry;
        this.settings = settings;
        this.dossiers = dossiers;
        this.cases = cases;
        this.worker = worker;
        this.tx = tx;
        this.notices = notices;
        this.journal = journal;
    }

    @Override
    public void onMove(CaseRow before, CaseRow after, Transition t, CaseService.Actor actor, @Nullable String reason,
                       Instant at) {
        switch (t) {
            case APPROVE -> {
                if (after.status() == CaseStatus.APPROVED) {
                    freeze(after, at);
                }
            }
            case EXECUTE -> start(after.id(), actor.name(), reason, at);
            case COMPLETE -> finish(after.id(), PlanPhase.APPLY, PlanPhase.ENFORCED, Plan::allVerified,
                    "not every action of the plan is applied and verified", actor.name());
            case REINSTATE -> revert(after.id(), actor.name(), reason);
            case RESTORE -> finish(after.id(), PlanPhase.REVERT, PlanPhase.REINSTATED, Plan::allRestored,
                    "not every action of the plan is reverted and verified", actor.name());
            default -> {
                return;
            }
        }
        kickAfterCommit();
    }

    private void freeze(CaseRow c, Instant now) {
        CaseRow.Proposal p = c.proposal();
        if (p == null) {
            throw new IllegalStateException("case " + c.id() + " was approved without a proposal");
        }
        CaseRecord r = cases.get().find(c.id()).orElseThrow();
        Optional<ObjectValue> dossier = dossiers.latest(c.tenantId()).map(Dossier::value);
        ArrayNode facts = Facts.of(r, dossier);
        Duration period = noNotice(r) ? Duration.ZERO : settings.noticePeriod();
        Instant executeAfter = now.plus(period);
        List<PlanAction> actions = PlanAction.routed(registry, c.id(), c.tenantId(), PlanJson.jackson(p.actions()), now);
        String approvers = r.approvals().stream().map(CaseRecord.Approval::approver).collect(Collectors.joining(", "));
        ObjectNode notice = notices.notice(r, p, facts, period, executeAfter, now);
        store.insert(new Plan(c.id(), c.tenantId(), c.rule(), c.proposalRound(), p.clause(), PlanJson.jackson(p.scope()),
                PlanPhase.NOTICE, approvers, notice, period, executeAfter, null, null, null, now, actions));
        journal.notice(c.id(), notice, CaseSink.SYSTEM_ACTOR);
    }

    /** CSAM: the uploader must not be warned. The rule list, or the policy's own {@code "notice": "none"}. */
    private boolean noNotice(CaseRecord r) {
        return settings.noNoticeRules().contains(r.row().rule()) || r.evidence().stream().anyMatch(e ->
                e.violation() instanceof ObjectValue v && v.get("notice") instanceof StringValue n && n.value().equals("none"));
    }

    private void start(String caseId, String actor, @Nullable String reason, Instant now) {
        Plan plan = store.find(caseId).filter(p -> p.phase() == PlanPhase.NOTICE).orElseThrow(() -> new Problem(
                HttpStatus.CONFLICT, "no-plan", "case " + caseId + " has no enforcement plan waiting to start"));
        store.updatePlan(caseId, List.of(PlanStore.Col.text("phase", PlanPhase.APPLY.wire()),
                PlanStore.Col.time("started_at", now), PlanStore.Col.text("started_by", actor),
                PlanStore.Col.text("start_reason", reason)));
        boolean early = now.isBefore(plan.executeAfter());
        journal.step(caseId, null, "execute", early ? "started-early" : "started", actor, reason);
    }

    private void finish(String caseId, PlanPhase from, PlanPhase to, java.util.function.Predicate<Plan> done,
                        String notYet, String actor) {
        Plan plan = store.find(caseId).orElseThrow(() -> new Problem(HttpStatus.CONFLICT, "no-plan",
                "case " + caseId + " has no enforcement plan"));
        if (plan.phase() != from || !done.test(plan)) {
            throw new Problem(HttpStatus.CONFLICT, "plan-not-done", notYet + "; see GET /v1/cases/" + caseId + "/plan");
        }
        store.updatePlan(caseId, List.of(PlanStore.Col.text("phase", to.wire())));
        journal.step(caseId, null, to.wire(), "done", actor, null);
    }

    private void revert(String caseId, String actor, @Nullable String reason) {
        Plan plan = store.find(caseId).filter(p -> p.phase() == PlanPhase.ENFORCED).orElseThrow(() -> new Problem(
                HttpStatus.CONFLICT, "no-plan", "case " + caseId + " has no enforced plan to revert"));
        for (PlanAction a : plan.actions()) {
            // a notice cannot be unsent; the reinstatement is the tenant's news now
            List<PlanStore.Col> back = a.byNotice() ? List.of(PlanStore.Col.status(StepStatus.RESTORED))
                    : List.of(PlanStore.Col.status(StepStatus.REVERT_PENDING), PlanStore.Col.step(Step.REVERT),
                    PlanStore.Col.integer("attempts", 0), PlanStore.Col.time("next_attempt_at", null));
            if (!store.updateAction(a, back)) {
                throw new Problem(HttpStatus.CONFLICT, "version-conflict", "the plan of case " + caseId
                        + " changed at the same time; read it again and retry");
            }
        }
        store.updatePlan(caseId, List.of(PlanStore.Col.text("phase", PlanPhase.REVERT.wire())));
        journal.step(caseId, null, "reinstate", "revert-queued", actor, reason);
    }

    /** The worker runs when the move is committed, not before: it would not see the change yet. */
    private void kickAfterCommit() {
        tx.findTransactionStatus().ifPresentOrElse(s -> s.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                worker.get().kick();
            }
        }), () -> worker.get().kick());
    }
}
