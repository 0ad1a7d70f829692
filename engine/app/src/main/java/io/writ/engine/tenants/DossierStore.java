package io.writ.engine.tenants;

import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Dossier versions in the database. The write methods take the caller's connection, because a dossier
 * version is only ever written as part of an accepted batch, in the batch's transaction.
 */
@Singleton
public class DossierStore {
    private final TransactionOperations<Connection> tx;

    public DossierStore(TransactionOperations<Connection> tx) {
        this.tx = tx;
    }

    /** The newest version of the tenant's dossier, if the tenant is known. */
    public Optional<Dossier> latest(String tenantId) {
        return tx.executeRead(status -> latest(status.getConnection(), tenantId, false));
    }

    /**
     * The newest version, read under the tenant's row lock when {@code lock} is true, so that concurrent
     * writers of one tenant take turns (the lock lasts until the caller's transaction ends).
     */
    public Optional<Dossier> latest(Connection c, String tenantId, boolean lock) {
        try {
            long version;
            try (PreparedStatement s = c.prepareStatement("SELECT dossier_version FROM tenant_head WHERE tenant_id = ?"
                    + (lock ? " FOR UPDATE" : ""))) {
                s.setString(1, tenantId);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    version = rs.getLong(1);
                }
            }
            try (PreparedStatement s = c.prepareStatement("SELECT dossier_json, dossier_sha256, created_at FROM dossier "
                    + "WHERE tenant_id = ? AND dossier_version = ?")) {
                s.setString(1, tenantId);
                s.setLong(2, version);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalStateException("tenant " + tenantId + " has no dossier version " + version);
                    }
                    return Optional.of(new Dossier(tenantId, version, rs.getString(1), rs.getString(2),
                            rs.getObject(3, OffsetDateTime.class)));
                }
            }
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    /** Stores a new version and makes it the tenant's newest; {@code version} must be one past the current. */
    public void insert(Connection c, Dossier d, String batchId) {
        try {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO dossier (tenant_id, dossier_version, dossier_json, "
                    + "dossier_sha256, batch_id, created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                s.setString(1, d.tenantId());
                s.setLong(2, d.version());
                s.setString(3, d.json());
                s.setString(4, d.sha256());
                s.setString(5, batchId);
                s.setObject(6, d.createdAt());
                s.executeUpdate();
            }
            if (d.version() == 1) {
                try (PreparedStatement s = c.prepareStatement(
                        "INSERT INTO tenant_head (tenant_id, dossier_version, updated_at) VALUES (?, ?, ?)")) {
                    s.setString(1, d.tenantId());
                    s.setLong(2, d.version());
                    s.setObject(3, d.createdAt());
                    s.executeUpdate();
                }
            } else {
                try (PreparedStatement s = c.prepareStatement("UPDATE tenant_head SET dossier_version = ?, updated_at = ? "
                        + "WHERE tenant_id = ? AND dossier_version = ?")) {
                    s.setLong(1, d.version());
                    s.setObject(2, d.createdAt());
                    s.setString(3, d.tenantId());
                    s.setLong(4, d.version() - 1);
                    if (s.executeUpdate() != 1) {
                        // another writer moved the head since we read it: the batch must not build on stale data
                        throw new IllegalStateException("tenant " + d.tenantId() + " changed while a batch was stored");
                    }
                }
            }
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    /** Tenants whose newest dossier version has no decision yet: what a restart must evaluate. */
    public List<String> tenantsAwaitingDecision() {
        return tx.executeRead(status -> {
            try (PreparedStatement s = status.getConnection().prepareStatement("SELECT h.tenant_id FROM tenant_head h "
                    + "WHERE NOT EXISTS (SELECT 1 FROM decision d WHERE d.tenant_id = h.tenant_id "
                    + "AND d.dossier_version = h.dossier_version) ORDER BY h.updated_at");
                 ResultSet rs = s.executeQuery()) {
                List<String> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
                return out;
            } catch (SQLException e) {
                throw new StoreException(e);
            }
        });
    }

    /** A database failure, with the driver's SQL state kept so callers can tell a key conflict. */
    public static final class StoreException extends RuntimeException {
        public StoreException(SQLException cause) {
            super(cause.getMessage(), cause);
        }

        /** True for a unique-key violation (SQL state 23505 on PostgreSQL and H2). */
        public boolean isUniqueViolation() {
            return getCause() instanceof SQLException s && "23505".equals(s.getSQLState());
        }
    }
}
