package io.writ.engine.cases;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.exceptions.DataAccessException;
import io.writ.engine.storage.Jdbc;
import io.writ.rego.value.Json;
import io.writ.rego.value.Value;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The cases tables (V3__cases.sql) through plain JDBC. The data source is Micronaut's transaction-aware one:
 * every call runs on the connection of the surrounding transaction, which the callers ({@link CaseSink},
 * {@link CaseService}) always open or join, and which therefore must not be closed here.
 */
@Singleton
class CaseStore {
    private static final String CASE_COLUMNS = "id, tenant_id, tenant_segment, rule_id, clause, severity, verdict, "
            + "status, assignee, version, two_approvers, scope_json, proposal_round, proposal_actions, proposal_scope, "
            + "proposal_clause, proposal_reason, proposed_by, proposed_at, created_at, updated_at";

    private final DataSource dataSource;

    CaseStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Database time, truncated to what both databases keep (microseconds) so that cursors compare exactly. */
    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    Optional<CaseRow> find(String id) {
        return one("SELECT " + CASE_COLUMNS + " FROM writ_case WHERE id = ?", id);
    }

    /** The case of this tenant and rule that still takes evidence, locked until the transaction ends. */
    Optional<CaseRow> findOpenForUpdate(String tenantId, String rule) {
        return one("SELECT " + CASE_COLUMNS + " FROM writ_case WHERE tenant_id = ? AND rule_id = ? AND is_open = TRUE FOR UPDATE",
                tenantId, rule);
    }

    void insert(CaseRow c) {
        String sql = "INSERT INTO writ_case (" + CASE_COLUMNS + ", is_open) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        execute(sql, ps -> {
            int i = 1;
            ps.setString(i++, c.id());
            ps.setString(i++, c.tenantId());
            i = bindMutable(ps, i, c);
            ps.setObject(i++, time(c.createdAt()));
            ps.setObject(i++, time(c.updatedAt()));
            ps.setObject(i, c.status().takesEvidence() ? Boolean.TRUE : null, Types.BOOLEAN);
        });
    }

    /**
     * Writes a changed case if, and only if, nobody changed it since {@code expectedVersion} was read: the
     * optimistic lock behind If-Match. Returns false when the version moved on.
     */
    boolean update(CaseRow c, long expectedVersion) {
        String sql = "UPDATE writ_case SET tenant_segment = ?, rule_id = ?, clause = ?, severity = ?, verdict = ?, status = ?, "
                + "assignee = ?, version = ?, two_approvers = ?, scope_json = ?, proposal_round = ?, proposal_actions = ?, "
                + "proposal_scope = ?, proposal_clause = ?, proposal_reason = ?, proposed_by = ?, proposed_at = ?, "
                + "updated_at = ?, is_open = ? WHERE id = ? AND version = ?";
        return execute(sql, ps -> {
            int i = bindMutable(ps, 1, c);
            ps.setObject(i++, time(c.updatedAt()));
            ps.setObject(i++, c.status().takesEvidence() ? Boolean.TRUE : null, Types.BOOLEAN);
            ps.setString(i++, c.id());
            ps.setLong(i, expectedVersion);
        }) == 1;
    }

    // tenant_segment .. proposed_at, in CASE_COLUMNS order after tenant_id
    private static int bindMutable(PreparedStatement ps, int i, CaseRow c) throws SQLException {
        ps.setString(i++, c.tenantSegment());
        ps.setString(i++, c.rule());
        ps.setString(i++, c.clause());
        ps.setString(i++, c.severity());
        ps.setString(i++, c.verdict());
        ps.setString(i++, c.status().wire());
        ps.setString(i++, c.assignee());
        ps.setLong(i++, c.version());
        ps.setBoolean(i++, c.twoApprovers());
        ps.setString(i++, json(c.scope()));
        ps.setInt(i++, c.proposalRound());
        CaseRow.Proposal p = c.proposal();
        ps.setString(i++, p == null ? null : json(p.actions()));
        ps.setString(i++, p == null ? null : json(p.scope()));
        ps.setString(i++, p == null ? null : p.clause());
        ps.setString(i++, p == null ? null : p.reason());
        ps.setString(i++, p == null ? null : p.proposer());
        ps.setObject(i++, p == null ? null : time(p.proposedAt()), Types.TIMESTAMP_WITH_TIMEZONE);
        return i;
    }

    /** Adds one violation of one decision; false when exactly that evidence is already there. */
    boolean addEvidence(String caseId, CaseRecord.Evidence e, String violationDigest) {
        // a violation the case already holds — from a replay, or a later decision that found exactly the same — is
        // not new evidence: it would only bump the case's version under the reviewers' feet (If-Match)
        if (exists("SELECT 1 FROM writ_case_evidence WHERE case_id = ? AND violation_digest = ?", caseId, violationDigest)) {
            return false;
        }
        int seq = nextSeq("writ_case_evidence", caseId);
        execute("INSERT INTO writ_case_evidence (case_id, decision_id, violation_digest, seq, dossier_version, bundle_revision, "
                + "decided_at, verdict, severity, violation_json, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
            ps.setString(1, caseId);
            ps.setString(2, e.decisionId());
            ps.setString(3, violationDigest);
            ps.setInt(4, seq);
            ps.setLong(5, e.dossierVersion());
            ps.setString(6, e.bundleRevision());
            ps.setObject(7, time(e.decidedAt()));
            ps.setString(8, e.verdict());
            ps.setString(9, e.severity());
            ps.setString(10, e.violation().toJsonString());
            ps.setObject(11, time(e.addedAt()));
        });
        return true;
    }

    void addApproval(String caseId, int round, CaseRecord.Approval a) {
        execute("INSERT INTO writ_case_approval (case_id, proposal_round, approver, reason, approved_at) VALUES (?, ?, ?, ?, ?)", ps -> {
            ps.setString(1, caseId);
            ps.setInt(2, round);
            ps.setString(3, a.approver());
            ps.setString(4, a.reason());
            ps.setObject(5, time(a.approvedAt()));
        });
    }

    void addEvent(String caseId, CaseRecord.Event e) {
        int seq = nextSeq("writ_case_event", caseId);
        execute("INSERT INTO writ_case_event (case_id, seq, event_name, actor, from_status, to_status, reason, occurred_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
            ps.setString(1, caseId);
            ps.setInt(2, seq);
            ps.setString(3, e.name());
            ps.setString(4, e.actor());
            ps.setString(5, e.from());
            ps.setString(6, e.to());
            ps.setString(7, e.reason());
            ps.setObject(8, time(e.at()));
        });
    }

    /** The case with its evidence, current approvals and history. */
    Optional<CaseRecord> load(String id) {
        return find(id).map(row -> new CaseRecord(row, evidence(id), approvals(id, row.proposalRound()), history(id)));
    }

    List<CaseRecord.Evidence> evidence(String caseId) {
        return many("SELECT decision_id, dossier_version, bundle_revision, decided_at, verdict, severity, violation_json, added_at "
                + "FROM writ_case_evidence WHERE case_id = ? ORDER BY seq", rs -> new CaseRecord.Evidence(rs.getString(1),
                rs.getLong(2), rs.getString(3), instant(rs, 4), rs.getString(5), rs.getString(6),
                Json.parse(rs.getString(7)), instant(rs, 8)), caseId);
    }

    List<CaseRecord.Approval> approvals(String caseId, int round) {
        return many("SELECT approver, reason, approved_at FROM writ_case_approval WHERE case_id = ? AND proposal_round = ? "
                + "ORDER BY approved_at, approver", rs -> new CaseRecord.Approval(rs.getString(1), rs.getString(2),
                instant(rs, 3)), caseId, round);
    }

    List<CaseRecord.Event> history(String caseId) {
        return many("SELECT event_name, actor, from_status, to_status, reason, occurred_at FROM writ_case_event "
                + "WHERE case_id = ? ORDER BY seq", rs -> new CaseRecord.Event(rs.getString(1), rs.getString(2),
                rs.getString(3), rs.getString(4), rs.getString(5), instant(rs, 6)), caseId);
    }

    /** One page of cases matching the query, in (created_at, id) order, starting after its cursor. */
    List<CaseRow> list(CaseQuery q, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + CASE_COLUMNS + " FROM writ_case WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        in(sql, args, "status", q.statuses().stream().map(CaseStatus::wire).toList());
        in(sql, args, "severity", q.severities());
        in(sql, args, "rule_id", q.rules());
        in(sql, args, "tenant_id", q.tenants());
        in(sql, args, "assignee", q.assignees());
        if (q.createdBefore() != null) {
            sql.append(" AND created_at < ?");
            args.add(time(q.createdBefore()));
        }
        if (q.createdAfter() != null) {
            sql.append(" AND created_at > ?");
            args.add(time(q.createdAfter()));
        }
        if (q.after() != null) {
            sql.append(" AND (created_at > ? OR (created_at = ? AND id > ?))");
            args.add(time(q.after().createdAt()));
            args.add(time(q.after().createdAt()));
            args.add(q.after().id());
        }
        sql.append(" ORDER BY created_at, id LIMIT ").append(limit);
        return many(sql.toString(), CaseStore::row, args.toArray());
    }

    private static void in(StringBuilder sql, List<Object> args, String column, List<String> values) {
        if (values.isEmpty()) {
            return;
        }
        sql.append(" AND ").append(column).append(" IN (").append(String.join(", ", values.stream().map(v -> "?").toList())).append(')');
        args.addAll(values);
    }

    private static CaseRow row(ResultSet rs) throws SQLException {
        String actions = rs.getString(14);
        CaseRow.Proposal proposal = actions == null ? null : new CaseRow.Proposal(Json.parse(actions),
                parse(rs.getString(15)), rs.getString(16), rs.getString(17), rs.getString(18), instant(rs, 19));
        return new CaseRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), CaseStatus.fromWire(rs.getString(8)).orElseThrow(), rs.getString(9),
                rs.getLong(10), rs.getBoolean(11), parse(rs.getString(12)), rs.getInt(13), proposal,
                instant(rs, 20), instant(rs, 21));
    }

    /** Whether this tenant and rule have a case that takes evidence and holds every one of these violations. */
    boolean openCaseHoldsAll(String tenantId, String rule, List<String> violationDigests) {
        Set<String> wanted = new HashSet<>(violationDigests);
        List<Integer> held = many("SELECT COUNT(DISTINCT e.violation_digest) FROM writ_case c JOIN writ_case_evidence e "
                + "ON e.case_id = c.id WHERE c.tenant_id = ? AND c.rule_id = ? AND c.is_open = TRUE "
                + "AND e.violation_digest = ANY (?)", rs -> rs.getInt(1), tenantId, rule, array(wanted));
        return held.getFirst() == wanted.size();
    }

    private java.sql.Array array(Set<String> values) {
        try {
            return connection().createArrayOf("VARCHAR", values.toArray());
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    /** One past the case's last seq: a seek to the end of the (case_id, seq) index, not a scan of the case's rows. */
    private int nextSeq(String table, String caseId) {
        List<Integer> last = many("SELECT seq FROM " + table + " WHERE case_id = ? ORDER BY seq DESC LIMIT 1",
                rs -> rs.getInt(1), caseId);
        return last.isEmpty() ? 1 : last.getFirst() + 1;
    }

    private static @Nullable String json(@Nullable Value v) {
        return v == null ? null : v.toJsonString();
    }

    private static @Nullable Value parse(@Nullable String s) {
        return s == null ? null : Json.parse(s);
    }

    private static OffsetDateTime time(Instant i) {
        return OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    // --- JDBC plumbing -------------------------------------------------------------------------------

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }


    private Connection connection() throws SQLException {
        // the transaction's connection: closing it is the transaction manager's business
        return dataSource.getConnection();
    }

    private int execute(String sql, Binder binder) {
        try (PreparedStatement ps = connection().prepareStatement(sql)) {
            binder.bind(ps);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    private <T> List<T> many(String sql, Jdbc.RowMapper<T> mapper, Object... args) {
        try {
            return Jdbc.query(connection(), sql, mapper, args);
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    private Optional<CaseRow> one(String sql, Object... args) {
        return many(sql, CaseStore::row, args).stream().findFirst();
    }

    private boolean exists(String sql, Object... args) {
        return !many(sql, rs -> 1, args).isEmpty();
    }

    /**
     * Lock waits that time out, and H2's "concurrent update", mean someone else changed the case at the same
     * moment: the caller reports them as a version conflict.
     */
    private static RuntimeException translate(SQLException e) {
        String state = e.getSQLState();
        int code = e.getErrorCode();
        if ("40001".equals(state) || "55P03".equals(state) || "40P01".equals(state) || code == 50200 || code == 90131
                || "23505".equals(state)) {
            return new ConcurrentChange(e);
        }
        return new DataAccessException("cases storage: " + e.getMessage(), e);
    }

    /** Another transaction changed the same case (or added the same row) at the same time. */
    static final class ConcurrentChange extends RuntimeException {
        ConcurrentChange(SQLException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
