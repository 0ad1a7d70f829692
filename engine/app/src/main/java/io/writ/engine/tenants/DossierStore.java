package io.writ.engine.tenants;

import io.micronaut.context.annotation.Value;
import io.micronaut.transaction.TransactionOperations;
import io.writ.rego.value.Json;
import io.writ.rego.value.ObjectValue;
import jakarta.inject.Singleton;

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
import java.util.TreeMap;

/**
 * Tenants' dossiers in the database (V6__signal_rows.sql). A batch appends its signals as rows and moves each
 * touched tenant's head one version on ({@link #heads}, {@link #append}); a version's dossier is the fold of the
 * tenant's signals up to it ({@link DossierMerger}), assembled on read from the newest stored snapshot at or
 * below it. The evaluator stores a snapshot ({@link #storeSnapshot}) once {@code writ.dossier.snapshot-after} signals have
 * piled up on top of the last one, so a read folds a bounded number of signals and a decision does not write a
 * whole dossier. The write methods take the caller's connection:
 * they are part of a batch's or a decision's transaction.
 */
@Singleton
public class DossierStore {
    private final TransactionOperations<Connection> tx;
    private final int snapshotAfter;

    /**
     * @param snapshotAfter how many signals folded on top of a snapshot make the next one worth storing
     *                      ({@code writ.dossier.snapshot-after}, 64)
     */
    public DossierStore(TransactionOperations<Connection> tx, @Value("${writ.dossier.snapshot-after:64}") int snapshotAfter) {
        this.tx = tx;
        this.snapshotAfter = snapshotAfter;
    }

    /** A tenant's signals from one batch, in batch order, appended as one version of the tenant's dossier. */
    public record Appended(String tenantId, long version, String batchId, List<Positioned> signals) {
    }

    /** A signal and its index in the batch. */
    public record Positioned(int position, ObjectValue signal) {
    }

    /**
     * An assembled version.
     *
     * @param batchId the batch that made this version (what a snapshot row cites)
     * @param folded  how many signals were folded on top of the newest snapshot (0: this version is stored)
     * @param folds   the fold's result, the dossier as a value (null when it came from a snapshot as text)
     */
    public record Assembled(Dossier dossier, String batchId, int folded, ObjectValue folds) {
        /** The dossier as a policy input, without parsing its text again when it was just folded. */
        public ObjectValue value() {
            return folds != null ? folds : dossier.value();
        }
    }

    /** The newest version of the tenant's dossier, if the tenant is known. */
    public Optional<Dossier> latest(String tenantId) {
        return tx.executeRead(status -> assembleLatest(status.getConnection(), tenantId)).map(Assembled::dossier);
    }

    /** The newest version, assembled, with what storing its snapshot needs; joins the caller's transaction. */
    public Optional<Assembled> assembleLatest(String tenantId) {
        return tx.executeRead(status -> assembleLatest(status.getConnection(), tenantId));
    }

    private static Optional<Assembled> assembleLatest(Connection c, String tenantId) {
        try (PreparedStatement s = c.prepareStatement("SELECT dossier_version, updated_at FROM tenant_head WHERE tenant_id = ?")) {
            s.setString(1, tenantId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(assemble(c, tenantId, rs.getLong(1), rs.getObject(2, OffsetDateTime.class)))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    /**
     * Folds the signals after the newest snapshot at or below {@code version} into it; {@code createdAt} is when
     * the version was accepted (the head moved there).
     */
    private static Assembled assemble(Connection c, String tenantId, long version, OffsetDateTime createdAt)
            throws SQLException {
        long base = 0;
        ObjectValue dossier = null;
        Dossier snapshot = null;
        try (PreparedStatement s = c.prepareStatement("SELECT dossier_version, dossier_json, dossier_sha256, created_at, "
                + "batch_id FROM dossier WHERE tenant_id = ? AND dossier_version <= ? ORDER BY dossier_version DESC LIMIT 1")) {
            s.setString(1, tenantId);
            s.setLong(2, version);
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    snapshot = new Dossier(tenantId, rs.getLong(1), rs.getString(2), rs.getString(3),
                            rs.getObject(4, OffsetDateTime.class));
                    if (snapshot.version() == version) {
                        return new Assembled(snapshot, rs.getString(5), 0, null);
                    }
                    base = snapshot.version();
                    dossier = snapshot.value();
                }
            }
        }
        List<ObjectValue> signals = new ArrayList<>();
        String batchId = null;
        try (PreparedStatement s = c.prepareStatement("SELECT signal_json, batch_id FROM tenant_signal WHERE tenant_id = ? "
                + "AND dossier_version > ? AND dossier_version <= ? ORDER BY dossier_version, batch_position")) {
            s.setString(1, tenantId);
            s.setLong(2, base);
            s.setLong(3, version);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    signals.add((ObjectValue) Json.parse(rs.getString(1)));
                    batchId = rs.getString(2);
                }
            }
        }
        if (batchId == null) {
            throw new IllegalStateException("tenant " + tenantId + " has no signals for dossier version " + version);
        }
        ObjectValue folded = DossierMerger.merge(dossier, tenantId, signals);
        String json = folded.toJsonString();
        return new Assembled(new Dossier(tenantId, version, json, Dossier.sha256(json), createdAt), batchId, signals.size(),
                folded);
    }

    /**
     * Stores the snapshot of an assembled version when enough signals were folded to make it worth it (and it is
     * not stored yet, by us or another process).
     */
    public void storeSnapshot(Connection c, Assembled a) {
        if (a.folded() < snapshotAfter) {
            return;
        }
        Dossier d = a.dossier();
        try (PreparedStatement s = c.prepareStatement("INSERT INTO dossier (tenant_id, dossier_version, dossier_json, "
                + "dossier_sha256, batch_id, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            s.setString(1, d.tenantId());
            s.setLong(2, d.version());
            s.setString(3, d.json());
            s.setString(4, d.sha256());
            s.setString(5, a.batchId());
            s.setObject(6, d.createdAt());
            s.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    /**
     * The newest versions of these tenants (absent: unknown tenants), read under their head-row locks, which
     * last until the caller's transaction ends.
     */
    public Map<String, Long> heads(Connection c, Collection<String> tenantIds) {
        Map<String, Long> out = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT tenant_id, dossier_version FROM tenant_head WHERE tenant_id = ANY (?) ORDER BY tenant_id FOR UPDATE")) {
            s.setArray(1, c.createArrayOf("VARCHAR", tenantIds.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    /**
     * Appends the versions (of one or more batches, in order) and moves each tenant's head from where
     * {@link #heads} found it (absent: a new tenant) to its last appended version; three batched statements.
     */
    public void append(Connection c, OffsetDateTime at, List<Appended> versions, Map<String, Long> heads) {
        Map<String, Long> last = new TreeMap<>();
        try {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO tenant_signal (tenant_id, dossier_version, "
                    + "batch_position, batch_id, signal_json) VALUES (?, ?, ?, ?, ?)")) {
                for (Appended v : versions) {
                    last.merge(v.tenantId(), v.version(), Math::max);
                    for (Positioned p : v.signals()) {
                        s.setString(1, v.tenantId());
                        s.setLong(2, v.version());
                        s.setInt(3, p.position());
                        s.setString(4, v.batchId());
                        s.setString(5, p.signal().toJsonString());
                        s.addBatch();
                    }
                }
                s.executeBatch();
            }
            List<String> fresh = last.keySet().stream().filter(t -> !heads.containsKey(t)).toList();
            List<String> known = last.keySet().stream().filter(heads::containsKey).toList();
            if (!fresh.isEmpty()) {
                try (PreparedStatement s = c.prepareStatement(
                        "INSERT INTO tenant_head (tenant_id, dossier_version, updated_at) VALUES (?, ?, ?)")) {
                    for (String t : fresh) {
                        s.setString(1, t);
                        s.setLong(2, last.get(t));
                        s.setObject(3, at);
                        s.addBatch();
                    }
                    s.executeBatch();
                }
            }
            if (!known.isEmpty()) {
                try (PreparedStatement s = c.prepareStatement("UPDATE tenant_head SET dossier_version = ?, updated_at = ? "
                        + "WHERE tenant_id = ? AND dossier_version = ?")) {
                    for (String t : known) {
                        s.setLong(1, last.get(t));
                        s.setObject(2, at);
                        s.setString(3, t);
                        s.setLong(4, heads.get(t));
                        s.addBatch();
                    }
                    int[] counts = s.executeBatch();
                    for (int i = 0; i < counts.length; i++) {
                        if (counts[i] != 1 && counts[i] != Statement.SUCCESS_NO_INFO) {
                            // another writer moved the head since we read it: the batch must not build on stale data
                            throw new IllegalStateException("tenant " + known.get(i) + " changed while a batch was stored");
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    /** The signals of a batch in batch order, as stored (tests and audits; batches before V6 kept them whole). */
    public List<ObjectValue> batchSignals(Connection c, String batchId) {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT signal_json FROM tenant_signal WHERE batch_id = ? ORDER BY batch_position")) {
            s.setString(1, batchId);
            List<ObjectValue> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add((ObjectValue) Json.parse(rs.getString(1)));
                }
            }
            return out;
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
