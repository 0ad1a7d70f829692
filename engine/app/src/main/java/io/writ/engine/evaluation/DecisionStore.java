package io.writ.engine.evaluation;

import io.micronaut.transaction.TransactionOperations;
import io.writ.engine.tenants.DossierStore.StoreException;
import io.writ.rego.value.Json;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.StringValue;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/** Stored decisions: written with the caller's connection (inside the decision's transaction), read on their own. */
@Singleton
public class DecisionStore {
    private static final String COLUMNS = "decision_id, tenant_id, dossier_version, dossier_sha256, bundle_revision, "
            + "result_json, decided_at, duration_micros";

    private final TransactionOperations<Connection> tx;

    public DecisionStore(TransactionOperations<Connection> tx) {
        this.tx = tx;
    }

    /**
     * Stores decisions of stored dossier versions, in one batch (one round trip to the database). A decision's
     * version, which its tenant's signals reproduce and whose hash the decision cites, is the input the policy saw;
     * it is not stored again.
     */
    public void insert(Connection c, List<StoredDecision> decisions) {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO decision (" + COLUMNS + ", verdict) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (StoredDecision d : decisions) {
                s.setString(1, d.decisionId());
                s.setString(2, d.tenantId());
                s.setLong(3, d.dossierVersion());
                s.setString(4, d.dossierHash());
                s.setString(5, d.bundleRevision());
                s.setString(6, d.result().toJsonString());
                s.setObject(7, d.decidedAt().atOffset(ZoneOffset.UTC));
                s.setLong(8, d.durationMicros());
                s.setString(9, d.result() instanceof ObjectValue o && o.get("verdict") instanceof StringValue v ? v.value() : null);
                s.addBatch();
            }
            s.executeBatch();
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    /** The tenant's decision on its newest decided dossier version. */
    public Optional<StoredDecision> latest(String tenantId) {
        return tx.executeRead(status -> query(status.getConnection(), "SELECT " + COLUMNS + " FROM decision WHERE tenant_id = ? "
                + "ORDER BY dossier_version DESC, decided_at DESC LIMIT 1", tenantId, null));
    }

    /** Whether this dossier version already has a decision. */
    public boolean exists(String tenantId, long dossierVersion) {
        return tx.executeRead(status -> query(status.getConnection(), "SELECT " + COLUMNS + " FROM decision WHERE tenant_id = ? "
                + "AND dossier_version = ? LIMIT 1", tenantId, dossierVersion).isPresent());
    }

    /** How many decisions the tenant has (tests: coalescing evaluates fewer versions than were posted). */
    public long count(String tenantId) {
        return tx.executeRead(status -> {
            try (PreparedStatement s = status.getConnection().prepareStatement("SELECT COUNT(*) FROM decision WHERE tenant_id = ?")) {
                s.setString(1, tenantId);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            } catch (SQLException e) {
                throw new StoreException(e);
            }
        });
    }

    private static Optional<StoredDecision> query(Connection c, String sql, String tenantId, Long version) {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, tenantId);
            if (version != null) {
                s.setLong(2, version);
            }
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new StoredDecision(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4),
                        rs.getString(5), Json.parse(rs.getString(6)), rs.getObject(7, OffsetDateTime.class).toInstant(),
                        rs.getLong(8)));
            }
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }
}
