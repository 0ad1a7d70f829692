-- Enforcement plans and their outbox (io.writ.engine.enforcement). Runs unchanged on PostgreSQL and on H2 in
-- MODE=PostgreSQL. V4 is the audit log's; this file depends only on V3 (cases).

-- one frozen plan per approved case: the proposal's actions as they were approved, and the notice sent
CREATE TABLE writ_enforcement_plan (
    case_id        VARCHAR(36)  PRIMARY KEY REFERENCES writ_case (id),
    tenant_id      VARCHAR(256) NOT NULL,
    rule_id        VARCHAR(256) NOT NULL,
    proposal_round INTEGER      NOT NULL,
    clause         VARCHAR(64)  NOT NULL,
    scope_json     TEXT         NOT NULL,
    -- notice (waiting for the notice period), apply, enforced, revert, reinstated
    phase          VARCHAR(16)  NOT NULL,
    approved_by    TEXT         NOT NULL,
    notice_json    TEXT         NOT NULL,
    -- ISO-8601; PT0S when the rule allows no notice
    notice_period  VARCHAR(32)  NOT NULL,
    execute_after  TIMESTAMP WITH TIME ZONE NOT NULL,
    started_at     TIMESTAMP WITH TIME ZONE,
    started_by     VARCHAR(256),
    start_reason   TEXT,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX writ_enforcement_plan_phase ON writ_enforcement_plan (phase, execute_after);

-- the outbox: one row per action, its state, and what the connector returned at each step
CREATE TABLE writ_enforcement_action (
    case_id            VARCHAR(36)  NOT NULL REFERENCES writ_enforcement_plan (case_id),
    action_index       INTEGER      NOT NULL,
    action_kind        VARCHAR(32)  NOT NULL,
    action_json        TEXT         NOT NULL,
    -- null when no configured connector supports the action; route_note says why
    connector          VARCHAR(64),
    route_note         TEXT,
    status             VARCHAR(24)  NOT NULL,
    -- apply, verify, revert, verify_revert: what runs next for this row (null when nothing is due)
    next_step          VARCHAR(16),
    attempts           INTEGER      NOT NULL,
    next_attempt_at    TIMESTAMP WITH TIME ZONE,
    error_code         VARCHAR(128),
    error_message      TEXT,
    -- the first apply attempt: what the blast-radius cap counts
    started_at         TIMESTAMP WITH TIME ZONE,
    applied_json       TEXT,
    applied_at         TIMESTAMP WITH TIME ZONE,
    verification_json  TEXT,
    verified_at        TIMESTAMP WITH TIME ZONE,
    irreversible_after TIMESTAMP WITH TIME ZONE,
    deadline_warned_at TIMESTAMP WITH TIME ZONE,
    released_by        VARCHAR(256),
    release_reason     TEXT,
    released_at        TIMESTAMP WITH TIME ZONE,
    dry_run_json       TEXT,
    reverted_json      TEXT,
    restored_at        TIMESTAMP WITH TIME ZONE,
    updated_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (case_id, action_index)
);
CREATE INDEX writ_enforcement_action_due ON writ_enforcement_action (next_step, next_attempt_at);
CREATE INDEX writ_enforcement_action_started ON writ_enforcement_action (action_kind, started_at);

-- every step of every action, in order: what was tried, by whom, and what came of it
CREATE TABLE writ_enforcement_event (
    case_id      VARCHAR(36)  NOT NULL REFERENCES writ_enforcement_plan (case_id),
    seq          INTEGER      NOT NULL,
    action_index INTEGER,
    step         VARCHAR(16)  NOT NULL,
    outcome      VARCHAR(24)  NOT NULL,
    actor        VARCHAR(256) NOT NULL,
    detail       TEXT,
    occurred_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (case_id, seq)
);

-- the kill switch: one row, persisted so that a restart does not resume what an admin paused
CREATE TABLE writ_enforcement_control (
    control_name VARCHAR(32)  PRIMARY KEY,
    paused       BOOLEAN      NOT NULL,
    reason       TEXT,
    changed_by   VARCHAR(256),
    changed_at   TIMESTAMP WITH TIME ZONE
);
INSERT INTO writ_enforcement_control (control_name, paused) VALUES ('execution', FALSE);
