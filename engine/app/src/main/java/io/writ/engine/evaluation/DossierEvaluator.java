package io.writ.engine.evaluation;

import io.micronaut.transaction.TransactionOperations;
import io.writ.engine.audit.AuditLog;
import io.writ.engine.audit.Entries;
import io.writ.engine.storage.GroupCommit;
import io.writ.engine.storage.TimeOrderedIds;
import io.writ.engine.tenants.Dossier;
import io.writ.engine.tenants.DossierStore;
import io.writ.engine.tenants.ReporterMask;
import io.writ.rego.RegoEvalException;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.Value;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Decides a tenant's newest dossier version: evaluates it with the policy, then stores the decision, appends it
 * to the audit log and tells every {@link DecisionSink} in one transaction, so that a case opened from a decision
 * (and each log entry) exists exactly when the decision does. Decisions of other tenants ready at the same moment share that transaction (a
 * {@link GroupCommit}); if it fails, each is stored alone, so one tenant's failure is only its own.
 */
@Singleton
public class DossierEvaluator {
    private static final Logger LOG = LoggerFactory.getLogger(DossierEvaluator.class);

    private final TransactionOperations<Connection> tx;
    private final DossierStore dossiers;
    private final DecisionStore decisions;
    private final PolicyEngine engine;
    private final List<DecisionSink> sinks;
    /** Decisions of different tenants that are ready at the same time are stored in one transaction. */
    private final GroupCommit<Decided, StoredDecision> writer;
    private final AuditLog audit;

    public DossierEvaluator(TransactionOperations<Connection> tx, DossierStore dossiers, DecisionStore decisions,
                            PolicyEngine engine, List<DecisionSink> sinks, AuditLog audit,
                            @io.micronaut.context.annotation.Value("${writ.evaluation.max-group:256}") int maxGroup) {
        this.audit = audit;
        this.tx = tx;
        this.dossiers = dossiers;
        this.decisions = decisions;
        this.engine = engine;
        this.sinks = sinks;
        this.writer = new GroupCommit<>(this::store, d -> 1, maxGroup);
    }

    /**
     * A decision, the input the policy saw and its log entry, ready to store. Nothing more: it waits in the writer's
     * queue, and what it holds lives that long (the dossier's text is in the entry already).
     */
    private record Decided(StoredDecision decision, ObjectValue input, AuditLog.Prepared entry) {
    }

    private List<StoredDecision> store(List<Decided> group) {
        return tx.executeWrite(status -> {
            // a batch a table for the whole group (on PostgreSQL a round trip a statement is what costs); the decision
            // names its input by version and hash, and the signal log reproduces it
            List<StoredDecision> stored = group.stream().map(Decided::decision).toList();
            decisions.insert(status.getConnection(), stored);
            audit.append(group.stream().map(Decided::entry).toList());
            // then the cases, whose entries follow those of the decisions that opened them
            for (Decided d : group) {
                for (DecisionSink sink : sinks) {
                    sink.onDecision(d.decision(), d.input());
                }
            }
            return stored;
        });
    }

    /**
     * Decides the tenant's newest version unless it is decided already. The decision is stored by {@code writes},
     * together with the decisions of other tenants waiting at that moment, while the calling thread moves on. The
     * future completes when the decision is stored (empty: nothing to decide), or fails with what storing threw.
     * Throws {@link Failed} when the policy could not decide (already logged; the version stays undecided, and
     * the scheduler tries again).
     */
    public CompletableFuture<Optional<StoredDecision>> decide(String tenantId, Executor writes) {
        // from memory; the database is read only for a tenant this process has not seen decided or assembled
        Optional<DossierStore.Assembled> undecided = dossiers.assembleUndecided(tenantId, decisions::exists);
        if (undecided.isEmpty()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        Dossier d = undecided.get().dossier();
        String revision = engine.revision();
        long start = System.nanoTime();
        ObjectValue input = undecided.get().value();
        Value result;
        try {
            result = engine.evaluate(EvaluationController.DECISION, input);
        } catch (RegoEvalException | IllegalStateException | PolicyEngineException e) {
            // the dossier is never logged, and an error quoting it has its reporters masked
            LOG.error("evaluation of tenant {} dossier version {} failed: {}", tenantId, d.version(),
                    ReporterMask.scrub(e.getMessage(), input));
            throw new Failed();
        }
        long micros = (System.nanoTime() - start) / 1_000;
        if (result == null) {
            LOG.error("the policy bundle (revision '{}') produced no decision for tenant {} dossier version {}",
                    revision, tenantId, d.version());
            throw new Failed();
        }
        StoredDecision decision = new StoredDecision(TimeOrderedIds.next(), tenantId, d.version(), d.sha256(),
                revision == null ? "" : revision, result, Instant.now(), micros);
        // masked and canonicalised here, in parallel, not in the one writer's transaction; the input as a patch
        // against the tenant's previous decision entry, which is taken and put back only once this one is stored
        AuditLog.PreparedDecision entry = audit.prepareDecision(Entries.decision(decision, input),
                undecided.get().known(), dossiers.takeLoggedInput(tenantId));
        return writer.submitAsync(new Decided(decision, input, entry.entry()), writes).thenApply(stored -> {
            dossiers.markDecided(tenantId, stored.dossierVersion(), entry.next());
            return Optional.of(stored);
        });
    }

    /** The policy could not decide; the reason is logged (its message may quote the dossier, so it is not kept). */
    public static final class Failed extends RuntimeException {
        Failed() {
            super("the policy could not decide (see the log)", null, false, false);
        }
    }
}
