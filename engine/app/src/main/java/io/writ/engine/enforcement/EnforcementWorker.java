package io.writ.engine.enforcement;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.transaction.TransactionOperations;
import io.writ.connector.Action;
import io.writ.connector.Applied;
import io.writ.connector.Connector;
import io.writ.connector.ConnectorException;
import io.writ.connector.Preview;
import io.writ.connector.Reverted;
import io.writ.connector.Verification;
import io.writ.engine.cases.CaseService;
import io.writ.engine.cases.CaseSink;
import io.writ.engine.cases.Transition;
import io.writ.engine.ops.Metrics;
import io.writ.engine.web.Problem;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.writ.engine.enforcement.PlanStore.Col;

/**
 * Runs the outbox: one thread, woken every {@code writ.enforcement.poll-interval} and whenever a plan changes. It
 * starts plans whose notice period is over, then takes each running plan's next step — actions in order when
 * applying, in reverse order when reverting, one at a time per case — and warns of data-deletion deadlines.
 *
 * <p>Exactly once: before a connector is asked to apply or revert, the row is marked {@code applying}
 * ({@code reverting}) in its own committed transaction; what the connector returns is stored in the next one before
 * anything else happens. A crash in between leaves the mark, and the next run repeats the call with the same
 * idempotency key, which the connector recognises (it returns {@code alreadyApplied}).
 */
@Singleton
public class EnforcementWorker implements ApplicationEventListener<StartupEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(EnforcementWorker.class);
    private static final Duration HOUR = Duration.ofHours(1);

    private final PlanStore store;
    private final ConnectorRegistry registry;
    private final EnforcementSettings settings;
    private final CaseService cases;
    private final TransactionOperations<Connection> tx;
    private final Metrics metrics;
    private final EnforcementJournal journal;
    private final ScheduledExecutorService thread;
    private final AtomicBoolean queued = new AtomicBoolean();

    EnforcementWorker(PlanStore store, ConnectorRegistry registry, EnforcementSettings settings, CaseService cases,
                      TransactionOperations<Connection> tx, Metrics metrics, EnforcementJournal journal) {
        this.store = store;
        this.registry = registry;
        this.settings = settings;
        this.cases = cases;
        this.tx = tx;
        this.metrics = metrics;
        this.journal = journal;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "writ-enforcement");
            t.setDaemon(true);
            return t;
        });
        metrics.enforcementGauges(() -> tx.executeRead(s -> store.control().paused() ? 1 : 0),
                () -> tx.executeRead(s -> store.countByStatus(StepStatus.HELD)));
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        if (!settings.workerEnabled()) {
            LOG.warn("the enforcement worker is turned off (writ.enforcement.worker.enabled=false): no plan will run");
            return;
        }
        if (settings.dryRun()) {
            LOG.warn("enforcement dry-run mode (writ.enforcement.dry-run=true): plans are previewed and recorded, nothing is changed");
        }
        long every = Math.max(50, settings.pollInterval().toMillis());
        // the first run resumes whatever a crash or a stop left behind
        thread.scheduleWithFixedDelay(this::runSafely, 0, every, TimeUnit.MILLISECONDS);
    }

    /** Asks for a run soon: a plan changed. Runs coalesce, so kicking often is cheap. */
    public void kick() {
        if (settings.workerEnabled() && queued.compareAndSet(false, true)) {
            try {
                thread.execute(() -> {
                    queued.set(false);
                    runSafely();
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                queued.set(false); // shutting down
            }
        }
    }

    @PreDestroy
    void stop() throws InterruptedException {
        thread.shutdownNow();
        thread.awaitTermination(10, TimeUnit.SECONDS);
    }

    private void runSafely() {
        try {
            while (runOnce()) {
                // each pass takes one step per case; go on while something moved
            }
        } catch (RuntimeException e) {
            LOG.error("enforcement worker run failed; the next run tries again: {}", e.toString());
        }
    }

    /** One pass over every plan; true when a step was taken, so that another pass may find more to do. */
    boolean runOnce() {
        warnOfDeadlines();
        if (paused()) {
            return false;
        }
        boolean moved = false;
        for (String caseId : tx.executeRead(s -> store.dueToStart(PlanStore.now()))) {
            moved |= serviceMove(caseId, Transition.EXECUTE, "the notice period ended");
        }
        for (String caseId : tx.executeRead(s -> store.running())) {
            if (paused()) {
                return false;
            }
            try {
                moved |= step(caseId);
            } catch (RuntimeException e) {
                // one broken plan must not stop the others; it is tried again on the next run
                LOG.error("case {}: enforcement step failed: {}", caseId, e.toString());
            }
        }
        return moved;
    }

    private boolean paused() {
        return tx.executeRead(s -> store.control().paused());
    }

    private boolean serviceMove(String caseId, Transition t, String reason) {
        try {
            cases.serviceMove(caseId, t, reason);
            return true;
        } catch (Problem p) {
            LOG.warn("case {}: the service could not {}: {}", caseId, t.wire(), p.getMessage());
            return false;
        }
    }

    /** The plan's next step, if one is due. */
    private boolean step(String caseId) {
        Optional<Plan> found = tx.executeRead(s -> store.find(caseId));
        if (found.isEmpty()) {
            return false;
        }
        Plan plan = found.get();
        boolean reverting = plan.phase() == PlanPhase.REVERT;
        Optional<PlanAction> next = plan.actions().stream()
                .filter(a -> a.status() != (reverting ? StepStatus.RESTORED : StepStatus.VERIFIED))
                .min(reverting ? Comparator.comparingInt(PlanAction::index).reversed() : Comparator.comparingInt(PlanAction::index));
        if (next.isEmpty()) {
            return serviceMove(caseId, reverting ? Transition.RESTORE : Transition.COMPLETE,
                    reverting ? "every action reverted and verified" : "every action applied and verified");
        }
        PlanAction a = next.get();
        if (a.status().blocked() || a.nextStep() == null
                || (a.nextAttemptAt() != null && a.nextAttemptAt().isAfter(PlanStore.now()))) {
            return false;
        }
        Optional<Connector> connector = registry.connector(a.connector());
        if (connector.isEmpty()) {
            fail(a, a.nextStep(), new ConnectorException(ConnectorException.Kind.FINAL, "NoConnector", 0,
                    "connector '" + a.connector() + "' is not configured any more", null, null));
            return true;
        }
        return switch (a.nextStep()) {
            case APPLY -> apply(plan, a, connector.get());
            case VERIFY -> verify(a, connector.get(), false);
            case REVERT -> revert(a, connector.get());
            case VERIFY_REVERT -> verify(a, connector.get(), true);
        };
    }

    private boolean apply(Plan plan, PlanAction a, Connector c) {
        Action action = a.action();
        if (settings.dryRun()) {
            return dryRun(a, c, action);
        }
        // what the target looked like before the first attempt, kept for a repeat after a crash (see Connector#apply)
        Optional<ObjectNode> stored = tx.executeRead(s -> store.before(a.caseId(), a.index()));
        ObjectNode before;
        if (stored.isPresent()) {
            before = stored.get();
        } else {
            try {
                before = c.preview(action).current();
            } catch (ConnectorException e) {
                fail(a, Step.APPLY, e);
                return true;
            } catch (RuntimeException e) {
                fail(a, Step.APPLY, unexpected(e));
                return true;
            }
        }
        // the mark, committed before the provider is touched
        Optional<PlanAction> marked = tx.executeWrite(s -> {
            if (store.control().paused()) {
                return Optional.<PlanAction>empty();
            }
            if (a.status() != StepStatus.APPLYING && overCap(plan, a)) {
                hold(a);
                return Optional.<PlanAction>empty();
            }
            List<Col> cols = new ArrayList<>(List.of(Col.status(StepStatus.APPLYING), Col.integer("attempts", a.attempts() + 1)));
            if (stored.isEmpty()) {
                cols.add(Col.text("before_json", PlanJson.text(before)));
            }
            if (a.startedAt() == null) {
                cols.add(Col.time("started_at", PlanStore.now()));
            }
            if (!store.updateAction(a, cols)) {
                return Optional.<PlanAction>empty();
            }
            if (a.status() == StepStatus.APPLYING) {
                journal.step(a.caseId(), a.index(), "apply", "resumed", CaseSink.SYSTEM_ACTOR,
                        "found applying after a restart; applying again with the same idempotency key");
            } else {
                journal.step(a.caseId(), a.index(), "apply", "started", CaseSink.SYSTEM_ACTOR, "attempt " + (a.attempts() + 1));
            }
            return store.action(a.caseId(), a.index());
        });
        if (marked.isEmpty()) {
            return false;
        }
        PlanAction m = marked.get();
        Applied applied;
        try {
            applied = c.apply(action, m.key(Step.APPLY), before);
        } catch (ConnectorException e) {
            fail(m, Step.APPLY, e);
            return true;
        } catch (RuntimeException e) {
            fail(m, Step.APPLY, unexpected(e));
            return true;
        }
        tx.executeWrite(s -> {
            store.updateAction(m, List.of(Col.status(StepStatus.APPLIED), Col.step(Step.VERIFY),
                    Col.text("applied_json", PlanJson.text(PlanJson.applied(applied))), Col.time("applied_at", PlanStore.now()),
                    Col.time("irreversible_after", applied.irreversibleAfter().orElse(null)), Col.integer("attempts", 0),
                    Col.time("next_attempt_at", null), Col.text("error_code", null), Col.text("error_message", null)));
            journal.step(m.caseId(), m.index(), "apply", applied.alreadyApplied() ? "already-applied" : "applied",
                    CaseSink.SYSTEM_ACTOR, applied.irreversibleAfter().map(t -> "irreversible after " + t).orElse(null));
            return null;
        });
        metrics.enforcementStep("applied");
        LOG.info("case {} action {} ({}) applied{}", m.caseId(), m.index(), m.kind(), applied.alreadyApplied() ? " (already in place)" : "");
        return true;
    }

    private boolean dryRun(PlanAction a, Connector c, Action action) {
        Preview preview;
        try {
            preview = c.preview(action);
        } catch (ConnectorException e) {
            fail(a, Step.APPLY, e);
            return true;
        }
        tx.executeWrite(s -> {
            if (store.updateAction(a, List.of(Col.status(StepStatus.WOULD_APPLY),
                    Col.text("dry_run_json", PlanJson.text(PlanJson.preview(preview)))))) {
                journal.step(a.caseId(), a.index(), "apply", "dry-run", CaseSink.SYSTEM_ACTOR, preview.summary());
            }
            return null;
        });
        metrics.enforcementStep("dry_run");
        LOG.info("dry run: case {} action {} would: {}", a.caseId(), a.index(), preview.summary());
        return true;
    }

    /** Whether disabling one more subscription now would go past the hourly cap, overall or for the tenant. */
    private boolean overCap(Plan plan, PlanAction a) {
        if (!a.disablesSubscription() || a.releasedBy() != null) {
            return false;
        }
        Instant since = PlanStore.now().minus(HOUR);
        return store.disablesSince(since, null, a.caseId(), a.index()) >= settings.perHour()
                || store.disablesSince(since, plan.tenantId(), a.caseId(), a.index()) >= settings.perTenantPerHour();
    }

    private void hold(PlanAction a) {
        if (store.updateAction(a, List.of(Col.status(StepStatus.HELD)))) {
            journal.step(a.caseId(), a.index(), "apply", "held", CaseSink.SYSTEM_ACTOR, "blast-radius cap reached: at most "
                    + settings.perHour() + " subscriptions disabled per hour, " + settings.perTenantPerHour()
                    + " per tenant; an admin must release it");
            metrics.enforcementStep("held");
            LOG.warn("case {} action {} held: the blast-radius cap is reached; an admin must release it", a.caseId(), a.index());
        }
    }

    private boolean verify(PlanAction a, Connector c, boolean reverted) {
        Applied applied = a.appliedResult().orElseThrow(() -> new IllegalStateException(
                "case " + a.caseId() + " action " + a.index() + " has no stored apply result"));
        Step step = reverted ? Step.VERIFY_REVERT : Step.VERIFY;
        Verification v;
        try {
            v = reverted ? c.verifyReverted(a.action(), applied) : c.verify(a.action(), applied);
        } catch (ConnectorException e) {
            fail(a, step, e);
            return true;
        } catch (RuntimeException e) {
            fail(a, step, unexpected(e));
            return true;
        }
        if (!v.ok()) {
            fail(a, step, new ConnectorException(ConnectorException.Kind.TRANSIENT, "VerificationFailed", 0, v.detail(), null, null));
            return true;
        }
        tx.executeWrite(s -> {
            List<Col> cols = new ArrayList<>(List.of(Col.status(reverted ? StepStatus.RESTORED : StepStatus.VERIFIED),
                    Col.step(null), Col.integer("attempts", 0), Col.time("next_attempt_at", null),
                    Col.text("verification_json", PlanJson.text(PlanJson.verification(v))),
                    Col.text("error_code", null), Col.text("error_message", null)));
            cols.add(Col.time(reverted ? "restored_at" : "verified_at", PlanStore.now()));
            if (store.updateAction(a, cols)) {
                journal.step(a.caseId(), a.index(), step.wire(), reverted ? "restored" : "verified", CaseSink.SYSTEM_ACTOR, v.detail());
            }
            return null;
        });
        metrics.enforcementStep(reverted ? "restored" : "verified");
        return true;
    }

    private boolean revert(PlanAction a, Connector c) {
        if (settings.dryRun()) {
            // dry-run changes nothing, reverts included; the revert waits for dry-run to be turned off
            return false;
        }
        Applied applied = a.appliedResult().orElseThrow(() -> new IllegalStateException(
                "case " + a.caseId() + " action " + a.index() + " has no stored apply result"));
        Optional<PlanAction> marked = tx.executeWrite(s -> {
            if (store.control().paused() || !store.updateAction(a, List.of(Col.status(StepStatus.REVERTING),
                    Col.integer("attempts", a.attempts() + 1)))) {
                return Optional.<PlanAction>empty();
            }
            journal.step(a.caseId(), a.index(), "revert", a.status() == StepStatus.REVERTING ? "resumed" : "started",
                    CaseSink.SYSTEM_ACTOR, "attempt " + (a.attempts() + 1));
            return store.action(a.caseId(), a.index());
        });
        if (marked.isEmpty()) {
            return false;
        }
        PlanAction m = marked.get();
        Reverted r;
        try {
            r = c.revert(m.action(), applied, m.key(Step.REVERT));
        } catch (ConnectorException e) {
            fail(m, Step.REVERT, e);
            return true;
        } catch (RuntimeException e) {
            fail(m, Step.REVERT, unexpected(e));
            return true;
        }
        tx.executeWrite(s -> {
            store.updateAction(m, List.of(Col.status(StepStatus.REVERTED), Col.step(Step.VERIFY_REVERT),
                    Col.text("reverted_json", PlanJson.text(PlanJson.reverted(r))), Col.integer("attempts", 0),
                    Col.time("next_attempt_at", null), Col.text("error_code", null), Col.text("error_message", null)));
            journal.step(m.caseId(), m.index(), "revert", r.alreadyReverted() ? "already-reverted" : "reverted",
                    CaseSink.SYSTEM_ACTOR, null);
            return null;
        });
        metrics.enforcementStep("reverted");
        return true;
    }

    /**
     * Records a failed step: transient ones are tried again after a growing delay until the attempts run out, the rest
     * wait for a person (retry). The row keeps the step that failed, so a retry repeats exactly that.
     */
    private void fail(PlanAction a, Step step, ConnectorException e) {
        // apply and revert counted their attempt when they marked the row; verify counts it here
        int attempts = step == Step.VERIFY || step == Step.VERIFY_REVERT || a.status() == StepStatus.UNSUPPORTED
                ? a.attempts() + 1 : a.attempts();
        boolean retry = e.kind() == ConnectorException.Kind.TRANSIENT && attempts < settings.maxAttempts();
        StepStatus status = retry ? StepStatus.FAILED_RETRYABLE : StepStatus.FAILED_FINAL;
        Instant next = retry ? PlanStore.now().plus(settings.backoff(attempts, e.retryAfter().orElse(null))) : null;
        String code = e.code() == null ? e.kind().name() : e.code();
        String message = (e.status() > 0 ? "HTTP " + e.status() + ": " : "") + e.getMessage();
        tx.executeWrite(s -> {
            if (store.updateAction(a, List.of(Col.status(status), Col.step(step), Col.integer("attempts", attempts),
                    Col.time("next_attempt_at", next), Col.text("error_code", code), Col.text("error_message", message)))) {
                journal.step(a.caseId(), a.index(), step.wire(), status.wire(), CaseSink.SYSTEM_ACTOR, code + ": " + message);
            }
            return null;
        });
        metrics.enforcementStep(status.wire());
        LOG.warn("case {} action {} {} failed ({}, attempt {}): {}: {}{}", a.caseId(), a.index(), step.wire(), e.kind(),
                attempts, code, message, retry ? "; retrying at " + next : "; waiting for a retry request");
    }

    private static ConnectorException unexpected(RuntimeException e) {
        // a connector bug or an unexpected provider answer: worth trying again, within the attempts budget
        return new ConnectorException(ConnectorException.Kind.TRANSIENT, "ConnectorError", 0, e.toString(), null, e);
    }

    private void warnOfDeadlines() {
        Instant until = PlanStore.now().plus(settings.deadlineWarning());
        for (PlanAction a : tx.executeRead(s -> store.deadlinesBefore(until))) {
            tx.executeWrite(s -> {
                if (store.updateAction(a, List.of(Col.time("deadline_warned_at", PlanStore.now())))) {
                    journal.step(a.caseId(), a.index(), "deadline", "warned", CaseSink.SYSTEM_ACTOR,
                            "the provider makes this change irreversible (deletes the data) after " + a.irreversibleAfter());
                }
                return null;
            });
            metrics.enforcementDeadlineWarning();
            LOG.warn("case {} action {} ({}): the provider makes the change irreversible (deletes the data) after {}; "
                    + "reinstate before then if the case may be reversed", a.caseId(), a.index(), a.kind(), a.irreversibleAfter());
        }
    }
}
