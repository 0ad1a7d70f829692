package io.writ.engine.evaluation;

import io.micronaut.context.annotation.Requires;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A test {@link DecisionSink}: records each decision after checking that it is called inside the decision's
 * transaction (the decision row is visible on the transaction's connection); fails for tenants whose id
 * starts with {@code sink-fails}, to show that the decision is then not stored either, and the first time for
 * tenants whose id starts with {@code flaky}, to show that a failed evaluation is tried again.
 */
@Singleton
@Requires(property = "writ.test.recording-sink", value = "true")
public class RecordingSink implements DecisionSink {
    public final List<StoredDecision> seen = new CopyOnWriteArrayList<>();
    public final List<String> problems = new CopyOnWriteArrayList<>();
    public final AtomicInteger refusals = new AtomicInteger();
    private final Set<String> refusedOnce = ConcurrentHashMap.newKeySet();
    private final TransactionOperations<Connection> tx;

    public RecordingSink(TransactionOperations<Connection> tx) {
        this.tx = tx;
    }

    @Override
    public void onDecision(StoredDecision decision) {
        if (tx.findTransactionStatus().isEmpty()) {
            problems.add("called outside a transaction");
        }
        try (PreparedStatement s = tx.getConnection().prepareStatement("SELECT COUNT(*) FROM decision WHERE decision_id = ?")) {
            s.setString(1, decision.decisionId());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                if (rs.getLong(1) != 1) {
                    problems.add("decision " + decision.decisionId() + " not visible in the sink's transaction");
                }
            }
        } catch (SQLException e) {
            problems.add(e.getMessage());
        }
        if (decision.tenantId().startsWith("sink-fails")) {
            refusals.incrementAndGet();
            throw new IllegalStateException("the sink refuses this decision");
        }
        if (decision.tenantId().startsWith("flaky") && refusedOnce.add(decision.tenantId())) {
            throw new IllegalStateException("the sink refuses this tenant's first decision");
        }
        seen.add(decision);
    }
}
