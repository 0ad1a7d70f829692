package io.writ.engine.enforcement;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.micronaut.transaction.TransactionOperations;
import io.writ.connector.Action;
import io.writ.connector.Connector;
import io.writ.connector.ConnectorException;
import io.writ.connector.Preview;
import io.writ.connector.TargetDescription;
import io.writ.engine.cases.CaseRecord;
import io.writ.engine.cases.CaseRow;
import io.writ.engine.cases.CaseService;
import io.writ.engine.ops.Metrics;
import io.writ.engine.tenants.Dossier;
import io.writ.engine.tenants.DossierStore;
import io.writ.engine.tenants.ReporterMask;
import io.writ.engine.web.Problem;
import io.writ.rego.value.ObjectValue;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.writ.engine.enforcement.PlanStore.Col;

/**
 * What people do with plans besides moving cases: read a plan with a live dry-run preview, read the statement of
 * reasons, retry failed actions, release held ones, and pause or resume all execution.
 */
@Singleton
public class EnforcementService {
    private static final Logger LOG = LoggerFactory.getLogger(EnforcementService.class);

    private final PlanStore store;
    private final ConnectorRegistry registry;
    private final EnforcementSettings settings;
    private final CaseService cases;
    private final DossierStore dossiers;
    private final EnforcementWorker worker;
    private final TransactionOperations<Connection> tx;
    private final Metrics metrics;
    private final EnforcementJournal journal;

    EnforcementService(PlanStore store, ConnectorRegistry registry, EnforcementSettings settings, CaseService cases,
                       DossierStore dossiers, EnforcementWorker worker, TransactionOperations<Connection> tx, Metrics metrics,
                       EnforcementJournal journal) {
        this.store = store;
        this.registry = registry;
        this.settings = settings;
        this.cases = cases;
        this.dossiers = dossiers;
        this.worker = worker;
        this.tx = tx;
        this.metrics = metrics;
        this.journal = journal;
    }

    /** The case's plan, if it was approved. */
    public Optional<Plan> plan(String caseId) {
        return tx.executeRead(s -> store.find(caseId));
    }

    /**
     * The plan with a preview per target read from the provider now. Before approval, the current proposal is
     * previewed the same way ({@code "frozen": false}), so approvers see what they approve.
     */
    public ObjectNode planWithPreview(String caseId) {
        CaseRecord r = cases.find(caseId).orElseThrow(() -> CaseService.notFound(caseId));
        Optional<Plan> plan = plan(caseId);
        ObjectNode out;
        List<PlanAction> actions;
        if (plan.isPresent()) {
            out = PlanViews.plan(plan.get(), tx.executeRead(s -> store.events(caseId)), settings, paused());
            actions = plan.get().actions();
        } else {
            CaseRow.Proposal p = r.row().proposal();
            if (p == null) {
                throw new Problem(HttpStatus.NOT_FOUND, "no-plan", "case " + caseId + " has no proposal and no plan yet; "
                        + "a plan is previewed once actions are proposed and frozen when they are approved");
            }
            actions = PlanAction.routed(registry, caseId, r.row().tenantId(), PlanJson.jackson(p.actions()), PlanStore.now());
            out = PlanViews.proposal(r.row(), actions, settings, paused());
        }
        ArrayNode views = (ArrayNode) out.get("actions");
        for (int i = 0; i < actions.size(); i++) {
            ((ObjectNode) views.get(i)).set("preview", preview(actions.get(i)));
        }
        return out;
    }

    /** describe + preview, or the connector's error for this action alone. */
    private ObjectNode preview(PlanAction a) {
        ObjectNode o = PlanJson.object();
        if (a.byNotice()) {
            o.put("ok", true);
            o.put("summary", a.routeNote());
            return o;
        }
        Optional<Connector> c = registry.connector(a.connector());
        if (c.isEmpty()) {
            o.put("ok", false);
            o.set("error", PlanViews.error("Unsupported", a.routeNote() != null ? a.routeNote()
                    : "connector '" + a.connector() + "' is not configured"));
            return o;
        }
        try {
            Action action = a.action();
            TargetDescription target = c.get().describe(action);
            Preview p = c.get().preview(action);
            o.put("ok", true);
            o.set("target", PlanJson.target(target));
            o.set("current", p.current());
            o.set("intended", p.intended());
            o.put("summary", p.summary());
        } catch (ConnectorException e) {
            o.put("ok", false);
            o.set("error", PlanViews.error(e.code(), e.getMessage()).put("kind", e.kind().name().toLowerCase())
                    .put("status", e.status()));
        } catch (RuntimeException e) {
            LOG.warn("preview of case {} action {} failed: {}", a.caseId(), a.index(), e.toString());
            o.put("ok", false);
            o.set("error", PlanViews.error("ConnectorError", e.toString()));
        }
        return o;
    }

    /** The statement of reasons (DSA Art. 17(3)) of an approved case. */
    public ObjectNode statement(String caseId) {
        CaseRecord r = cases.find(caseId).orElseThrow(() -> CaseService.notFound(caseId));
        Plan plan = plan(caseId).orElseThrow(() -> new Problem(HttpStatus.NOT_FOUND, "no-statement", "case " + caseId
                + " is " + r.row().status().wire() + ": a statement of reasons exists once an enforcement is approved"));
        Optional<ObjectValue> dossier = dossiers.latest(r.row().tenantId()).map(Dossier::value);
        return Statements.statement(r, plan, Facts.of(r, dossier),
                reason -> dossier.map(d -> ReporterMask.scrub(reason, d)).orElse(reason), settings);
    }

    /**
     * Puts every failed, dry-run or unsupported action of the plan back in the queue, with its attempts reset; the
     * step that failed is repeated with the same idempotency key. Held actions need {@link #release}.
     */
    public ObjectNode retry(String caseId, String actor, @Nullable String reason) {
        cases.find(caseId).orElseThrow(() -> CaseService.notFound(caseId));
        int n = tx.executeWrite(s -> {
            Plan plan = store.find(caseId).orElseThrow(() -> new Problem(HttpStatus.CONFLICT, "no-plan",
                    "case " + caseId + " has no enforcement plan to retry"));
            int count = 0;
            for (PlanAction a : plan.actions()) {
                Optional<List<Col>> back = requeue(plan, a);
                if (back.isPresent() && store.updateAction(a, back.get())) {
                    journal.step(caseId, a.index(), a.nextStep() == null ? "apply" : a.nextStep().wire(), "retry",
                            actor, reason);
                    count++;
                }
            }
            return count;
        });
        if (n == 0) {
            throw new Problem(HttpStatus.CONFLICT, "nothing-to-retry", "no action of case " + caseId
                    + " is failed, unsupported or recorded by a dry run; held actions are released by an admin "
                    + "(POST /v1/cases/" + caseId + "/plan/actions/{index}/release)");
        }
        worker.kick();
        LOG.info("case {}: {} action(s) queued again by {}", caseId, n, actor);
        return planView(caseId);
    }

    private Optional<List<Col>> requeue(Plan plan, PlanAction a) {
        List<Col> cols = new ArrayList<>(List.of(Col.integer("attempts", 0), Col.time("next_attempt_at", null)));
        switch (a.status()) {
            case FAILED_FINAL, FAILED_RETRYABLE -> cols.add(Col.status(switch (a.nextStep() == null ? Step.APPLY : a.nextStep()) {
                case APPLY -> StepStatus.PENDING;
                case VERIFY -> StepStatus.APPLIED;
                case REVERT -> StepStatus.REVERT_PENDING;
                case VERIFY_REVERT -> StepStatus.REVERTED;
            }));
            case WOULD_APPLY -> {
                if (settings.dryRun()) {
                    return Optional.empty();
                }
                cols.add(Col.status(StepStatus.PENDING));
            }
            case UNSUPPORTED -> {
                ConnectorRegistry.Route route = registry.route(plan.tenantId(), a.action());
                if (route.connector() == null) {
                    return Optional.empty();
                }
                cols.addAll(List.of(Col.status(StepStatus.PENDING), Col.text("connector", route.connector()),
                        Col.text("route_note", route.note())));
            }
            default -> {
                return Optional.empty();
            }
        }
        return Optional.of(cols);
    }

    /** Lets a held action past the blast-radius cap. */
    public ObjectNode release(String caseId, int index, String actor, String reason) {
        cases.find(caseId).orElseThrow(() -> CaseService.notFound(caseId));
        tx.executeWrite(s -> {
            PlanAction a = store.action(caseId, index).orElseThrow(() -> new Problem(HttpStatus.NOT_FOUND, "no-such-action",
                    "case " + caseId + " has no plan action " + index));
            if (a.status() != StepStatus.HELD) {
                throw new Problem(HttpStatus.CONFLICT, "not-held", "action " + index + " of case " + caseId + " is "
                        + a.status().wire() + ", not held");
            }
            if (!store.updateAction(a, List.of(Col.status(StepStatus.PENDING), Col.text("released_by", actor),
                    Col.text("release_reason", reason), Col.time("released_at", PlanStore.now())))) {
                throw new Problem(HttpStatus.CONFLICT, "version-conflict", "action " + index + " of case " + caseId
                        + " changed at the same time; read the plan again");
            }
            journal.step(caseId, index, "apply", "released", actor, reason);
            return null;
        });
        metrics.enforcementStep("released");
        LOG.info("case {} action {} released past the blast-radius cap by {}", caseId, index, actor);
        worker.kick();
        return planView(caseId);
    }

    /** The plan without previews. */
    public ObjectNode planView(String caseId) {
        Plan plan = plan(caseId).orElseThrow(() -> new Problem(HttpStatus.NOT_FOUND, "no-plan", "case " + caseId + " has no plan"));
        return PlanViews.plan(plan, tx.executeRead(s -> store.events(caseId)), settings, paused());
    }

    /** Whether the kill switch is on. */
    public boolean paused() {
        return control().paused();
    }

    PlanStore.Control control() {
        return tx.executeRead(s -> store.control());
    }

    /** Turns the kill switch on or off; persisted, so a restart keeps it. */
    public ObjectNode setPaused(boolean paused, String reason, String actor) {
        tx.executeWrite(s -> {
            store.setControl(paused, reason, actor);
            journal.control(paused, reason, actor);
            return null;
        });
        metrics.enforcementStep(paused ? "paused" : "resumed");
        LOG.warn("enforcement execution {} by {}: {}", paused ? "PAUSED" : "resumed", actor, reason);
        if (!paused) {
            worker.kick();
        }
        return controlView();
    }

    /** The safety valves' state. */
    public ObjectNode controlView() {
        PlanStore.Control c = control();
        ObjectNode o = PlanJson.object();
        o.put("paused", c.paused());
        o.put("reason", c.reason());
        o.put("changed_by", c.changedBy());
        o.put("changed_at", c.changedAt() == null ? null : c.changedAt().toString());
        o.put("dry_run", settings.dryRun());
        ObjectNode cap = o.putObject("blast_radius");
        cap.put("subscriptions_disabled_per_hour", settings.perHour());
        cap.put("per_tenant_per_hour", settings.perTenantPerHour());
        int held = tx.executeRead(s -> store.countByStatus(StepStatus.HELD));
        o.put("held", held);
        return o;
    }
}
