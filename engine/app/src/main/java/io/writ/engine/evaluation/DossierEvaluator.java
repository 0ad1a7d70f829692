package io.writ.engine.evaluation;

import io.micronaut.transaction.TransactionOperations;
import io.writ.engine.audit.AuditLog;
import io.writ.engine.audit.Entries;
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
import java.util.UUID;

/**
 * Decides a tenant's newest dossier version: evaluates it with the policy, then stores the decision, appends it
 * to the audit log and tells every {@link DecisionSink} in one transaction, so that a case opened from a decision
 * (and each log entry) exists exactly when the decision does.
 */
@Singleton
public class DossierEvaluator {
    private static final Logger LOG = LoggerFactory.getLogger(DossierEvaluator.class);

    private final TransactionOperations<Connection> tx;
    private final DossierStore dossiers;
    private final DecisionStore decisions;
    private final PolicyEngine engine;
    private final List<DecisionSink> sinks;
    private final AuditLog audit;

    public DossierEvaluator(TransactionOperations<Connection> tx, DossierStore dossiers, DecisionStore decisions,
                            PolicyEngine engine, List<DecisionSink> sinks, AuditLog audit) {
        this.audit = audit;
        this.tx = tx;
        this.dossiers = dossiers;
        this.decisions = decisions;
        this.engine = engine;
        this.sinks = sinks;
    }

    /**
     * Decides the tenant's newest version unless it is decided already. Returns the stored decision, or empty
     * when there was nothing to do or the policy could not decide (logged; the version stays undecided and
     * is tried again on the next batch or restart).
     */
    public Optional<StoredDecision> decideLatest(String tenantId) {
        // one read transaction (the inner reads join it): one connection from the pool, not two
        Optional<Dossier> undecided = tx.executeRead(status -> dossiers.latest(tenantId)
                .filter(d -> !decisions.exists(tenantId, d.version())));
        if (undecided.isEmpty()) {
            return Optional.empty();
        }
        Dossier d = undecided.get();
        String revision = engine.revision();
        long start = System.nanoTime();
        ObjectValue input = d.value();
        Value result;
        try {
            result = engine.evaluate(EvaluationController.DECISION, input);
        } catch (RegoEvalException | IllegalStateException | PolicyEngineException e) {
            // the dossier is never logged, and an error quoting it has its reporters masked
            LOG.error("evaluation of tenant {} dossier version {} failed: {}", tenantId, d.version(),
                    ReporterMask.scrub(e.getMessage(), input));
            return Optional.empty();
        }
        long micros = (System.nanoTime() - start) / 1_000;
        if (result == null) {
            LOG.error("the policy bundle (revision '{}') produced no decision for tenant {} dossier version {}",
                    revision, tenantId, d.version());
            return Optional.empty();
        }
        StoredDecision decision = new StoredDecision(UUID.randomUUID().toString(), tenantId, d.version(), d.sha256(),
                revision == null ? "" : revision, result, Instant.now(), micros);
        tx.executeWrite(status -> {
            decisions.insert(status.getConnection(), decision, d.json());
            audit.append(Entries.DECISION, Entries.decision(decision, input));
            for (DecisionSink sink : sinks) {
                sink.onDecision(decision);
            }
            return null;
        });
        return Optional.of(decision);
    }
}
