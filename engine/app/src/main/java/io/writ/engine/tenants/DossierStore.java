package io.writ.engine.tenants;

import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
        return tx.executeRead(status -> latest(status.getConnection(), tenantId));
    }

    private static Optional<Dossier> latest(Connection c, String tenantId) {
        try {
            long version;
            try (PreparedStatement s = c.prepareStatement("SELECT dossier_version FROM tenant_head WHERE tenant_id = ?")) {
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

    /**
     * The newest versions of these tenants (absent: unknown tenants), read under their head-row locks, which
     * last until the caller's transaction ends; two statements whatever the number of tenants.
     */
    public Map<String, Dossier> latestForUpdate(Connection c, Collection<String> tenantIds) {
        Map<String, Dossier> out = new HashMap<>();
        try {
            Array ids = c.createArrayOf("VARCHAR", tenantIds.toArray());
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT tenant_id FROM tenant_head WHERE tenant_id = ANY (?) ORDER BY tenant_id FOR UPDATE")) {
                s.setArray(1, ids);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), null);
                    }
                }
            }
            if (out.isEmpty()) {
                return out;
            }
            try (PreparedStatement s = c.prepareStatement("SELECT d.tenant_id, d.dossier_version, d.dossier_json, "
                    + "d.dossier_sha256, d.created_at FROM tenant_head h JOIN dossier d ON d.tenant_id = h.tenant_id "
                    + "AND d.dossier_version = h.dossier_version WHERE h.tenant_id = ANY (?)")) {
                s.setArray(1, ids);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), new Dossier(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                                rs.getObject(5, OffsetDateTime.class)));
                    }
                }
            }
            out.forEach((t, d) -> {
                if (d == null) {
                    throw new IllegalStateException("tenant " + t + " has no dossier for its newest version");
                }
            });
            return out;
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    /**
     * Stores new versions and makes each its tenant's newest, in three batched statements; each version must be
     * one past the tenant's current (1 for a new tenant).
     */
    public void insertAll(Connection c, List<Dossier> versions, String batchId) {
        try {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO dossier (tenant_id, dossier_version, dossier_json, "
                    + "dossier_sha256, batch_id, created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                for (Dossier d : versions) {
                    s.setString(1, d.tenantId());
                    s.setLong(2, d.version());
                    s.setString(3, d.json());
                    s.setString(4, d.sha256());
                    s.setString(5, batchId);
                    s.setObject(6, d.createdAt());
                    s.addBatch();
                }
                s.executeBatch();
            }
            List<Dossier> fresh = versions.stream().filter(d -> d.version() == 1).toList();
            List<Dossier> known = versions.stream().filter(d -> d.version() > 1).toList();
            if (!fresh.isEmpty()) {
                try (PreparedStatement s = c.prepareStatement(
                        "INSERT INTO tenant_head (tenant_id, dossier_version, updated_at) VALUES (?, ?, ?)")) {
                    for (Dossier d : fresh) {
                        s.setString(1, d.tenantId());
                        s.setLong(2, d.version());
                        s.setObject(3, d.createdAt());
                        s.addBatch();
                    }
                    s.executeBatch();
                }
            }
            if (!known.isEmpty()) {
                try (PreparedStatement s = c.prepareStatement("UPDATE tenant_head SET dossier_version = ?, updated_at = ? "
                        + "WHERE tenant_id = ? AND dossier_version = ?")) {
                    for (Dossier d : known) {
                        s.setLong(1, d.version());
                        s.setObject(2, d.createdAt());
                        s.setString(3, d.tenantId());
                        s.setLong(4, d.version() - 1);
                        s.addBatch();
                    }
                    int[] counts = s.executeBatch();
                    for (int i = 0; i < counts.length; i++) {
                        if (counts[i] != 1 && counts[i] != Statement.SUCCESS_NO_INFO) {
                            // another writer moved the head since we read it: the batch must not build on stale data
                            throw new IllegalStateException("tenant " + known.get(i).tenantId() + " changed while a batch was stored");
                        }
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

    /**
     * A database failure. Its message names only the SQL states, and the driver's exception is not kept:
     * drivers quote the failing statement's parameters — dossiers, which may name a reporter — and whatever
     * logs this exception must not write them.
     */
    public static final class StoreException extends RuntimeException {
        private final List<String> sqlStates = new ArrayList<>();

        public StoreException(SQLException cause) {
            super(describe(cause), null, false, true);
            for (SQLException s = cause; s != null; s = s.getNextException()) {
                sqlStates.add(s.getSQLState());
            }
            setStackTrace(cause.getStackTrace());
        }

        private static String describe(SQLException e) {
            StringBuilder b = new StringBuilder("database error, SQL state");
            for (SQLException s = e; s != null; s = s.getNextException()) {
                b.append(' ').append(s.getSQLState());
            }
            return b.toString();
        }

        /**
         * True when trying the transaction again may succeed: a unique-key violation (23505: another writer
         * inserted the same key first), a serialization failure (40001) or a deadlock (40P01), also inside
         * a statement batch's exception chain.
         */
        public boolean isRetryable() {
            return sqlStates.stream().anyMatch(s -> List.of("23505", "40001", "40P01").contains(s));
        }
    }
}
