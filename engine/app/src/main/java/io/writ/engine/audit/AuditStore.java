package io.writ.engine.audit;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.data.exceptions.DataAccessException;
import io.writ.engine.storage.Jdbc;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The audit tables (V4__audit_log.sql, V8__audit_entries_written_once.sql) through plain JDBC on Micronaut's
 * transaction-aware data source: every call runs on the connection of the surrounding transaction. The only
 * statements on the log tables are INSERT and SELECT; audit_pending, the list of entries waiting for a leaf index,
 * is the one table rows leave. An entry's text is written once, into audit_entry; its leaf names it.
 */
@Singleton
class AuditStore {
    /** A leaf and its entry's text (kept in the leaf itself by leaves sequenced before V8). */
    private static final String LEAF_COLUMNS = "l.leaf_index, l.entry_kind, l.tenant_id, l.case_id, l.logged_at, "
            + "COALESCE(l.entry_json, e.entry_json)";
    private static final String LEAVES = " FROM audit_leaf l LEFT JOIN audit_entry e ON e.seq = l.queue_seq";

    private final DataSource dataSource;
    /** Whether the database is PostgreSQL, the one {@link #vacuumPending} vacuums; learned at its first call. */
    private volatile Boolean postgres;

    AuditStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * An entry waiting for its leaf index, with its leaf hash ({@code json} is only read for entries written before
     * V8, which have no stored hash).
     */
    record Queued(long seq, String kind, @Nullable String tenant, @Nullable String caseId, Instant loggedAt,
                  byte @Nullable [] leafHash, @Nullable String json) {
    }

    /** A node hash to write. */
    record Node(int level, long index, byte[] hash) {
    }

    /**
     * Writes the entries, in this order, and puts them on the list of entries waiting for a leaf index: a batch a
     * table, so that many entries cost one round trip to the database each, not one per entry.
     */
    void enqueue(List<AuditLog.Prepared> entries) {
        try {
            Connection c = connection();
            long[] seqs = new long[entries.size()];
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_entry (entry_kind, tenant_id, case_id, "
                    + "logged_at, entry_json, leaf_hash) VALUES (?, ?, ?, ?, ?, ?)", new String[] {"seq"})) {
                for (AuditLog.Prepared p : entries) {
                    ps.setString(1, p.kind());
                    ps.setString(2, p.tenant());
                    ps.setString(3, p.caseId());
                    ps.setObject(4, time(p.at()));
                    ps.setString(5, p.json());
                    ps.setBytes(6, p.leafHash());
                    ps.addBatch();
                }
                ps.executeBatch();
                // the keys come in the batch's order, which is the order the identity column gave them
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    for (int i = 0; i < seqs.length; i++) {
                        if (!keys.next()) {
                            throw new SQLException("the database returned " + i + " keys for " + seqs.length + " entries");
                        }
                        seqs[i] = keys.getLong(1);
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_pending (entry_seq) VALUES (?)")) {
                for (long seq : seqs) {
                    ps.setLong(1, seq);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        } catch (SQLException e) {
            throw failure("cannot write the audit entry", e);
        }
    }

    List<Queued> queued(int limit) {
        return many("SELECT e.seq, e.entry_kind, e.tenant_id, e.case_id, e.logged_at, e.leaf_hash, "
                        + "CASE WHEN e.leaf_hash IS NULL THEN e.entry_json END FROM audit_pending p "
                        + "JOIN audit_entry e ON e.seq = p.entry_seq ORDER BY p.entry_seq LIMIT " + limit,
                rs -> new Queued(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), instant(rs, 5),
                        rs.getBytes(6), rs.getString(7)));
    }

    /**
     * Makes waiting entries leaves, in order from {@code firstIndex}: their leaf rows (naming the entries) and new
     * nodes inserted, the checkpoint written, and they leave the waiting list.
     */
    void append(long firstIndex, List<Queued> from, List<Node> nodes, SignedCheckpoint checkpoint, Instant signedAt) {
        try {
            Connection c = connection();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_leaf (leaf_index, queue_seq, entry_kind, tenant_id, "
                    + "case_id, logged_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                for (int i = 0; i < from.size(); i++) {
                    Queued q = from.get(i);
                    ps.setLong(1, firstIndex + i);
                    ps.setLong(2, q.seq());
                    ps.setString(3, q.kind());
                    ps.setString(4, q.tenant());
                    ps.setString(5, q.caseId());
                    ps.setObject(6, time(q.loggedAt()));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_node (tree_level, node_index, node_hash) VALUES (?, ?, ?)")) {
                for (Node n : nodes) {
                    ps.setInt(1, n.level());
                    ps.setLong(2, n.index());
                    ps.setBytes(3, n.hash());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            insertCheckpoint(checkpoint, signedAt);
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM audit_pending WHERE entry_seq = ?")) {
                for (Queued q : from) {
                    ps.setLong(1, q.seq());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        } catch (SQLException e) {
            throw failure("cannot append to the audit log", e);
        }
    }

    /**
     * On PostgreSQL, vacuums audit_pending, on a connection of its own outside any transaction (VACUUM cannot run in
     * one); elsewhere does nothing. Rows leave that table as fast as they come, and until a vacuum the sequencer's
     * query for waiting entries reads every row deleted since the last: autovacuum's rounds come a minute apart, by
     * which time 100,000 dead rows cost each query 50 ms. {@code SKIP_LOCKED}: when autovacuum is at it, no wait.
     *
     * @return PostgreSQL's warning when it refused to vacuum the table (the service may vacuum only a table it owns,
     *         or, from PostgreSQL 17, one it has the MAINTAIN privilege on); otherwise null
     */
    @Nullable String vacuumPending() {
        if (Boolean.FALSE.equals(postgres)) {
            return null;
        }
        try (Connection c = DelegatingDataSource.unwrapDataSource(dataSource).getConnection()) {
            if (postgres == null) {
                postgres = c.getMetaData().getDatabaseProductName().equalsIgnoreCase("PostgreSQL");
            }
            if (!postgres) {
                return null;
            }
            c.setAutoCommit(true);
            try (var s = c.createStatement()) {
                s.execute("VACUUM (SKIP_LOCKED) audit_pending");
                // a skip because autovacuum held the table (lock_not_available) is routine, and not reported
                for (java.sql.SQLWarning w = s.getWarnings(); w != null; w = w.getNextWarning()) {
                    if (!"55P03".equals(w.getSQLState())) {
                        return w.getMessage();
                    }
                }
                return null;
            }
        } catch (SQLException e) {
            throw failure("cannot vacuum the audit log's list of waiting entries", e);
        }
    }

    void insertCheckpoint(SignedCheckpoint checkpoint, Instant signedAt) {
        try (PreparedStatement ps = connection().prepareStatement("INSERT INTO audit_checkpoint (tree_size, root_hash, note, signed_at) "
                + "VALUES (?, ?, ?, ?)")) {
            ps.setLong(1, checkpoint.size());
            ps.setBytes(2, checkpoint.root());
            ps.setString(3, checkpoint.note());
            ps.setObject(4, time(signedAt));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failure("cannot write the checkpoint", e);
        }
    }

    Optional<SignedCheckpoint> latestCheckpoint() {
        return many("SELECT tree_size, root_hash, note FROM audit_checkpoint ORDER BY tree_size DESC LIMIT 1",
                rs -> new SignedCheckpoint(rs.getLong(1), rs.getBytes(2), rs.getString(3))).stream().findFirst();
    }

    /** Node hashes by (level, index), one prepared statement for all of them; the upper levels from memory. */
    Merkle.Nodes nodes(Connection c) {
        return new Merkle.Nodes() {
            private PreparedStatement ps;

            @Override
            public byte[] node(int level, long index) {
                if (level < CACHED_LEVEL) {
                    return read(level, index);
                }
                byte[] h = upper.get(key(level, index));
                if (h == null) {
                    h = read(level, index);
                    remember(level, index, h);
                }
                return h;
            }

            private byte[] read(int level, long index) {
                try {
                    if (ps == null) {
                        ps = c.prepareStatement("SELECT node_hash FROM audit_node WHERE tree_level = ? AND node_index = ?");
                    }
                    ps.setInt(1, level);
                    ps.setLong(2, index);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            throw new IllegalStateException("the audit log has no node (" + level + ", " + index + ")");
                        }
                        return rs.getBytes(1);
                    }
                } catch (SQLException e) {
                    throw failure("cannot read the audit tree", e);
                }
            }
        };
    }

    /**
     * Hashes of complete subtrees of 2^CACHED_LEVEL leaves and more. They never change once written, so they can be
     * kept without invalidation: about 2n/2^CACHED_LEVEL of them for n leaves (some 8,000 for a million), which
     * leaves a proof with at most CACHED_LEVEL database reads.
     */
    static final int CACHED_LEVEL = 8;
    private static final int CACHE_LIMIT = 1 << 18;
    private final java.util.concurrent.ConcurrentHashMap<Long, byte[]> upper = new java.util.concurrent.ConcurrentHashMap<>();

    private static long key(int level, long index) {
        return ((long) level << 56) | index;
    }

    /** Keeps an upper-level node hash (the sequencer hands over those it writes). */
    void remember(int level, long index, byte[] hash) {
        if (level >= CACHED_LEVEL) {
            if (upper.size() >= CACHE_LIMIT) {
                upper.clear(); // a log of some 30 million entries: start over rather than track use
            }
            upper.put(key(level, index), hash);
        }
    }

    Connection connection() {
        try {
            // the transaction's connection: closing it is the transaction manager's business
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw failure("no database connection", e);
        }
    }

    Optional<LogEntry> leaf(long index) {
        return many("SELECT " + LEAF_COLUMNS + LEAVES + " WHERE l.leaf_index = ?", AuditStore::entry, index)
                .stream().findFirst();
    }

    /** Leaves in [from, to) in index order, at most {@code limit}. */
    List<LogEntry> range(long from, long to, int limit) {
        return many("SELECT " + LEAF_COLUMNS + LEAVES + " WHERE l.leaf_index >= ? AND l.leaf_index < ? ORDER BY l.leaf_index LIMIT "
                + limit, AuditStore::entry, from, to);
    }

    /** The tenant's decision entries below {@code below}, newest first, at most {@code limit}. */
    List<LogEntry> decisionsBefore(String tenant, long below, int limit) {
        return many("SELECT " + LEAF_COLUMNS + LEAVES + " WHERE l.tenant_id = ? AND l.leaf_index < ? AND l.entry_kind = ? "
                + "ORDER BY l.leaf_index DESC LIMIT " + limit, AuditStore::entry, tenant, below, Entries.DECISION);
    }

    /** The audit view: leaves matching every given filter, after the cursor, in index order. */
    List<LogEntry> query(AuditQuery q, long below, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + LEAF_COLUMNS + LEAVES + " WHERE l.leaf_index > ? AND l.leaf_index < ?");
        List<Object> args = new ArrayList<>(List.of(q.after(), below));
        if (q.tenant() != null) {
            sql.append(" AND l.tenant_id = ?");
            args.add(q.tenant());
        }
        if (q.caseId() != null) {
            sql.append(" AND l.case_id = ?");
            args.add(q.caseId());
        }
        if (q.kind() != null) {
            sql.append(" AND l.entry_kind = ?");
            args.add(q.kind());
        }
        if (q.since() != null) {
            sql.append(" AND l.logged_at >= ?");
            args.add(time(q.since()));
        }
        if (q.until() != null) {
            sql.append(" AND l.logged_at < ?");
            args.add(time(q.until()));
        }
        sql.append(" ORDER BY l.leaf_index LIMIT ").append(limit);
        return many(sql.toString(), AuditStore::entry, args.toArray());
    }

    private static LogEntry entry(ResultSet rs) throws SQLException {
        return new LogEntry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), instant(rs, 5), rs.getString(6));
    }


    private <T> List<T> many(String sql, Jdbc.RowMapper<T> mapper, Object... args) {
        try {
            return Jdbc.query(connection(), sql, mapper, args);
        } catch (SQLException e) {
            throw failure("cannot read the audit log", e);
        }
    }

    static OffsetDateTime time(Instant i) {
        return OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static DataAccessException failure(String what, SQLException e) {
        return new DataAccessException(what + ": " + e.getMessage(), e);
    }
}
