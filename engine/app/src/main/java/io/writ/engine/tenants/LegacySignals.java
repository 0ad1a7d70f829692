package io.writ.engine.tenants;

import io.writ.rego.value.Json;
import io.writ.rego.value.ObjectValue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The signal rows V6 wrote ({@code tenant_signal}, one row per signal, with tenants' heads moved per batch). A
 * database V6 left behind is brought to V7's form once, at the first start: every tenant whose head is ahead of its
 * newest snapshot gets a snapshot of its head, folded from those rows. Afterwards the rows are only read for a
 * batch's signals.
 */
final class LegacySignals {
    private LegacySignals() {
    }

    /** Writes a snapshot at the head of every tenant whose head no snapshot holds; returns how many. */
    static int foldIntoSnapshots(Connection c) {
        try {
            List<Object[]> behind = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT h.tenant_id, h.dossier_version, h.updated_at, "
                    + "(SELECT MAX(d.dossier_version) FROM dossier d WHERE d.tenant_id = h.tenant_id) FROM tenant_head h");
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    long snapshot = rs.getLong(4);
                    if (rs.getLong(2) > snapshot) {
                        behind.add(new Object[] {rs.getString(1), rs.getLong(2), rs.getObject(3, OffsetDateTime.class), snapshot});
                    }
                }
            }
            for (Object[] t : behind) {
                fold(c, (String) t[0], (long) t[1], (OffsetDateTime) t[2], (long) t[3]);
            }
            return behind.size();
        } catch (SQLException e) {
            throw new DossierStore.StoreException(e);
        }
    }

    private static void fold(Connection c, String tenantId, long head, OffsetDateTime at, long snapshot) throws SQLException {
        ObjectValue base = null;
        if (snapshot > 0) {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT dossier_json FROM dossier WHERE tenant_id = ? AND dossier_version = ?")) {
                s.setString(1, tenantId);
                s.setLong(2, snapshot);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    base = (ObjectValue) Json.parse(rs.getString(1));
                }
            }
        }
        List<ObjectValue> signals = new ArrayList<>();
        String batchId = null;
        try (PreparedStatement s = c.prepareStatement("SELECT signal_json, batch_id FROM tenant_signal WHERE tenant_id = ? "
                + "AND dossier_version > ? AND dossier_version <= ? ORDER BY dossier_version, batch_position")) {
            s.setString(1, tenantId);
            s.setLong(2, snapshot);
            s.setLong(3, head);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    signals.add((ObjectValue) Json.parse(rs.getString(1)));
                    batchId = rs.getString(2);
                }
            }
        }
        if (batchId == null) {
            throw new IllegalStateException("tenant " + tenantId + " has no signal rows for versions after " + snapshot);
        }
        String json = DossierMerger.merge(base, tenantId, signals).toJsonString();
        try (PreparedStatement s = c.prepareStatement("INSERT INTO dossier (tenant_id, dossier_version, dossier_json, "
                + "dossier_sha256, batch_id, created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            s.setString(1, tenantId);
            s.setLong(2, head);
            s.setString(3, json);
            s.setString(4, Dossier.sha256(json));
            s.setString(5, batchId);
            s.setObject(6, at);
            s.executeUpdate();
        }
    }

    /** A V6 batch's signals, in batch order. */
    static List<ObjectValue> ofBatch(Connection c, String batchId) throws SQLException {
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
        }
    }
}
