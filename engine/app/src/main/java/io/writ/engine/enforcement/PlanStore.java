package io.writ.engine.enforcement;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.exceptions.DataAccessException;
import io.micronaut.http.HttpStatus;
import io.writ.engine.storage.Jdbc;
import io.writ.engine.web.Problem;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The enforcement tables (V5__enforcement.sql) through plain JDBC on the surrounding transaction's connection (the
 * transaction-aware data source), like the cases store. Every change of an outbox row names the status it expects to
 * find, so that the worker and a person (release, retry) can never both move the same row.
 */
@Singleton
class PlanStore {
    private static final String PLAN_COLUMNS = "case_id, tenant_id, rule_id, proposal_round, clause, scope_json, phase, "
            + "approved_by, notice_json, notice_period, execute_after, started_at, started_by, start_reason, created_at";
    private static final String ACTION_COLUMNS = "case_id, action_index, action_kind, action_json, connector, route_note, "
            + "status, next_step, attempts, next_attempt_at, error_code, error_message, started_at, applied_json, applied_at, "
            + "verification_json, verified_at, irreversible_after, deadline_warned_at, released_by, release_reason, "
            + "dry_run_json, reverted_json, restored_at, updated_at";

    private final DataSource dataSource;

    PlanStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Now, truncated to what both databases keep. */
    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    /** One column to set: its name, value and SQL type (for nulls). */
    record Col(String name, @Nullable Object v, int type) {
        static Col text(String name, @Nullable String v) {
            return new Col(name, v, Types.VARCHAR);
        }

        static Col time(String name, @Nullable Instant v) {
            return new Col(name, v == null ? null : OffsetDateTime.ofInstant(v, ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
        }

        static Col integer(String name, int v) {
            return new Col(name, v, Types.INTEGER);
        }

        static Col status(StepStatus s) {
            return text("status", s.wire());
        }

        static Col step(@Nullable Step s) {
            return text("next_step", s == null ? null : s.wire());
        }
    }

    void insert(Plan p) {
        List<Col> cols = List.of(Col.text("case_id", p.caseId()), Col.text("tenant_id", p.tenantId()),
                Col.text("rule_id", p.rule()), Col.integer("proposal_round", p.round()), Col.text("clause", p.clause()),
                Col.text("scope_json", PlanJson.text(p.scope())), Col.text("phase", p.phase().wire()),
                Col.text("approved_by", p.approvedBy()), Col.text("notice_json", PlanJson.text(p.notice())),
                Col.text("notice_period", p.noticePeriod().toString()), Col.time("execute_after", p.executeAfter()),
                Col.time("created_at", p.createdAt()));
        insert("writ_enforcement_plan", cols);
        for (PlanAction a : p.actions()) {
            insert("writ_enforcement_action", List.of(Col.text("case_id", a.caseId()), Col.integer("action_index", a.index()),
                    Col.text("action_kind", a.kind()), Col.text("action_json", PlanJson.text(a.spec())),
                    Col.text("connector", a.connector()), Col.text("route_note", a.routeNote()), Col.status(a.status()),
                    Col.step(a.nextStep()), Col.integer("attempts", 0), Col.time("next_attempt_at", a.nextAttemptAt()),
                    Col.time("updated_at", a.updatedAt())));
        }
    }

    Optional<Plan> find(String caseId) {
        return many("SELECT " + PLAN_COLUMNS + " FROM writ_enforcement_plan WHERE case_id = ?", this::plan, caseId)
                .stream().findFirst();
    }

    Optional<PlanAction> action(String caseId, int index) {
        return many("SELECT " + ACTION_COLUMNS + " FROM writ_enforcement_action WHERE case_id = ? AND action_index = ?",
                PlanStore::action, caseId, index).stream().findFirst();
    }

    /** The target's state as previewed before the action's first apply, if it was stored. */
    Optional<ObjectNode> before(String caseId, int index) {
        return many("SELECT before_json FROM writ_enforcement_action WHERE case_id = ? AND action_index = ?",
                rs -> PlanJson.parseNullable(rs.getString(1)), caseId, index).stream()
                .filter(java.util.Objects::nonNull).map(n -> (ObjectNode) n).findFirst();
    }

    List<PlanAction> actions(String caseId) {
        return many("SELECT " + ACTION_COLUMNS + " FROM writ_enforcement_action WHERE case_id = ? ORDER BY action_index",
                PlanStore::action, caseId);
    }

    /** The tenant of a case's plan. */
    Optional<String> tenantOf(String caseId) {
        return many("SELECT tenant_id FROM writ_enforcement_plan WHERE case_id = ?", rs -> rs.getString(1), caseId)
                .stream().findFirst();
    }

    /** Plans waiting for their notice period that may start now. */
    List<String> dueToStart(Instant now) {
        return many("SELECT case_id FROM writ_enforcement_plan WHERE phase = ? AND execute_after <= ? ORDER BY execute_after",
                rs -> rs.getString(1), PlanPhase.NOTICE.wire(), odt(now));
    }

    /** Plans applying or reverting, oldest first. */
    List<String> running() {
        return many("SELECT case_id FROM writ_enforcement_plan WHERE phase IN (?, ?) ORDER BY created_at",
                rs -> rs.getString(1), PlanPhase.APPLY.wire(), PlanPhase.REVERT.wire());
    }

    void updatePlan(String caseId, List<Col> cols) {
        update("writ_enforcement_plan", cols, "case_id = ?", caseId);
    }

    /**
     * Moves one outbox row from the status it was read in; false when it is no longer in that status (someone
     * else moved it first).
     */
    boolean updateAction(PlanAction a, List<Col> cols) {
        List<Col> all = new ArrayList<>(cols);
        all.add(Col.time("updated_at", now()));
        return update("writ_enforcement_action", all, "case_id = ? AND action_index = ? AND status = ?", a.caseId(),
                a.index(), a.status().wire()) == 1;
    }

    /**
     * Subscriptions disabled (or being disabled) since a moment, all tenants or one, not counting one action: what the
     * blast-radius cap compares with its limit.
     */
    int disablesSince(Instant since, @Nullable String tenantId, String exceptCase, int exceptIndex) {
        String sql = "SELECT COUNT(*) FROM writ_enforcement_action a JOIN writ_enforcement_plan p ON p.case_id = a.case_id "
                + "WHERE a.action_kind = 'disable-subscription' AND a.started_at >= ? "
                + "AND NOT (a.case_id = ? AND a.action_index = ?)" + (tenantId == null ? "" : " AND p.tenant_id = ?");
        Object[] args = tenantId == null ? new Object[]{odt(since), exceptCase, exceptIndex}
                : new Object[]{odt(since), exceptCase, exceptIndex, tenantId};
        return many(sql, rs -> rs.getInt(1), args).getFirst();
    }

    /** Applied actions whose data-deletion deadline falls before {@code until} and that were not warned about yet. */
    List<PlanAction> deadlinesBefore(Instant until) {
        return many("SELECT " + ACTION_COLUMNS + " FROM writ_enforcement_action WHERE irreversible_after IS NOT NULL "
                + "AND irreversible_after <= ? AND deadline_warned_at IS NULL AND status IN (?, ?, ?, ?)", PlanStore::action,
                odt(until), StepStatus.APPLIED.wire(), StepStatus.VERIFIED.wire(), StepStatus.FAILED_RETRYABLE.wire(),
                StepStatus.FAILED_FINAL.wire());
    }

    /** Counts of actions by status, for the metrics. */
    int countByStatus(StepStatus s) {
        return many("SELECT COUNT(*) FROM writ_enforcement_action WHERE status = ?", rs -> rs.getInt(1), s.wire()).getFirst();
    }

    void addEvent(String caseId, @Nullable Integer index, String step, String outcome, String actor, @Nullable String detail) {
        int seq = many("SELECT COALESCE(MAX(seq), 0) + 1 FROM writ_enforcement_event WHERE case_id = ?", rs -> rs.getInt(1),
                caseId).getFirst();
        insert("writ_enforcement_event", List.of(Col.text("case_id", caseId), Col.integer("seq", seq),
                new Col("action_index", index, Types.INTEGER), Col.text("step", step), Col.text("outcome", outcome),
                Col.text("actor", actor), Col.text("detail", detail), Col.time("occurred_at", now())));
    }

    /** A step of a plan's history. */
    record Event(@Nullable Integer index, String step, String outcome, String actor, @Nullable String detail, Instant at) {
    }

    List<Event> events(String caseId) {
        return many("SELECT action_index, step, outcome, actor, detail, occurred_at FROM writ_enforcement_event "
                + "WHERE case_id = ? ORDER BY seq", rs -> new Event((Integer) rs.getObject(1), rs.getString(2),
                rs.getString(3), rs.getString(4), rs.getString(5), instant(rs, 6)), caseId);
    }

    /** The kill switch as stored. */
    record Control(boolean paused, @Nullable String reason, @Nullable String changedBy, @Nullable Instant changedAt) {
    }

    Control control() {
        return many("SELECT paused, reason, changed_by, changed_at FROM writ_enforcement_control WHERE control_name = 'execution'",
                rs -> new Control(rs.getBoolean(1), rs.getString(2), rs.getString(3), instant(rs, 4))).getFirst();
    }

    void setControl(boolean paused, String reason, String by) {
        update("writ_enforcement_control", List.of(new Col("paused", paused, Types.BOOLEAN), Col.text("reason", reason),
                Col.text("changed_by", by), Col.time("changed_at", now())), "control_name = 'execution'");
    }

    // --- rows -------------------------------------------------------------------------------------------

    private Plan plan(ResultSet rs) throws SQLException {
        String caseId = rs.getString(1);
        return new Plan(caseId, rs.getString(2), rs.getString(3), rs.getInt(4), rs.getString(5), PlanJson.parse(rs.getString(6)),
                PlanPhase.fromWire(rs.getString(7)).orElseThrow(), rs.getString(8), PlanJson.parseObject(rs.getString(9)),
                Duration.parse(rs.getString(10)), instant(rs, 11), instant(rs, 12), rs.getString(13), rs.getString(14),
                instant(rs, 15), actions(caseId));
    }

    private static PlanAction action(ResultSet rs) throws SQLException {
        String step = rs.getString(8);
        return new PlanAction(rs.getString(1), rs.getInt(2), rs.getString(3), PlanJson.parseObject(rs.getString(4)),
                rs.getString(5), rs.getString(6), StepStatus.fromWire(rs.getString(7)).orElseThrow(),
                step == null ? null : Step.fromWire(step).orElseThrow(), rs.getInt(9), instant(rs, 10), rs.getString(11),
                rs.getString(12), instant(rs, 13), PlanJson.parseNullable(rs.getString(14)), instant(rs, 15),
                PlanJson.parseNullable(rs.getString(16)), instant(rs, 17), instant(rs, 18), instant(rs, 19),
                rs.getString(20), rs.getString(21), PlanJson.parseNullable(rs.getString(22)),
                PlanJson.parseNullable(rs.getString(23)), instant(rs, 24), instant(rs, 25));
    }

    private static OffsetDateTime odt(Instant i) {
        return OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }

    private static @Nullable Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    // --- JDBC plumbing -----------------------------------------------------------------------------------


    private void insert(String table, List<Col> cols) {
        String sql = "INSERT INTO " + table + " (" + String.join(", ", cols.stream().map(Col::name).toList()) + ") VALUES ("
                + String.join(", ", cols.stream().map(c -> "?").toList()) + ")";
        run(sql, cols);
    }

    private int update(String table, List<Col> cols, String where, Object... args) {
        String sql = "UPDATE " + table + " SET " + String.join(", ", cols.stream().map(c -> c.name() + " = ?").toList())
                + " WHERE " + where;
        List<Col> all = new ArrayList<>(cols);
        for (Object a : args) {
            all.add(new Col("", a, a instanceof Integer ? Types.INTEGER : Types.VARCHAR));
        }
        return run(sql, all);
    }

    private int run(String sql, List<Col> cols) {
        // the transaction's connection: closing it is the transaction manager's business
        try (PreparedStatement ps = dataSource.getConnection().prepareStatement(sql)) {
            for (int i = 0; i < cols.size(); i++) {
                Col c = cols.get(i);
                if (c.v() == null) {
                    ps.setNull(i + 1, c.type());
                } else {
                    ps.setObject(i + 1, c.v(), c.type());
                }
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    private <T> List<T> many(String sql, Jdbc.RowMapper<T> mapper, Object... args) {
        try {
            return Jdbc.query(dataSource.getConnection(), sql, mapper, args);
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    /** A duplicate key means another writer recorded a step of the same plan at the same moment. */
    private static RuntimeException translate(SQLException e) {
        if ("23505".equals(e.getSQLState())) {
            return new Problem(HttpStatus.CONFLICT, "version-conflict",
                    "the enforcement plan changed at the same time; read it again and retry");
        }
        return new DataAccessException("enforcement storage: SQL state " + e.getSQLState(), e);
    }
}
