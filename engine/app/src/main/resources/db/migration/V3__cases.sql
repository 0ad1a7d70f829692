-- Review cases (io.writ.engine.cases). Runs unchanged on PostgreSQL and on H2 in MODE=PostgreSQL.
-- Depends on nothing but V1: decisions are referred to by id only, so the cases tables stand alone.

CREATE TABLE writ_case (
    id               VARCHAR(36)  PRIMARY KEY,
    tenant_id        VARCHAR(256) NOT NULL,
    tenant_segment   VARCHAR(64),
    rule_id          VARCHAR(256) NOT NULL,
    clause           VARCHAR(64),
    severity         VARCHAR(32),
    verdict          VARCHAR(16)  NOT NULL,
    status           VARCHAR(16)  NOT NULL,
    assignee         VARCHAR(256),
    -- optimistic lock: every change adds one; transitions name the version they saw (If-Match)
    version          BIGINT       NOT NULL,
    -- decided when evidence arrives (segment, state-security indicator); critical severity also counts
    two_approvers    BOOLEAN      NOT NULL,
    scope_json       TEXT,
    -- the current proposal; a new proposal starts a new round, so approvals of a rejected one do not count
    proposal_round   INTEGER      NOT NULL,
    proposal_actions TEXT,
    proposal_scope   TEXT,
    proposal_clause  VARCHAR(64),
    proposal_reason  TEXT,
    proposed_by      VARCHAR(256),
    proposed_at      TIMESTAMP WITH TIME ZONE,
    -- TRUE while the case still takes evidence, NULL afterwards: the unique index then allows at most one
    -- open case per (tenant, rule) on both databases (NULLs never collide), without partial indexes
    is_open          BOOLEAN,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT writ_case_one_open UNIQUE (tenant_id, rule_id, is_open)
);
CREATE INDEX writ_case_created ON writ_case (created_at, id);
CREATE INDEX writ_case_status ON writ_case (status, created_at);

-- one row per violation of a decision that fed the case; a replayed decision adds nothing
CREATE TABLE writ_case_evidence (
    case_id          VARCHAR(36)  NOT NULL REFERENCES writ_case (id),
    decision_id      VARCHAR(64)  NOT NULL,
    violation_digest VARCHAR(64)  NOT NULL,
    seq              INTEGER      NOT NULL,
    dossier_version  BIGINT       NOT NULL,
    bundle_revision  VARCHAR(256),
    decided_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    verdict          VARCHAR(16)  NOT NULL,
    severity         VARCHAR(32),
    violation_json   TEXT         NOT NULL,
    added_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (case_id, decision_id, violation_digest)
);

-- approvals of the current proposal round; the key makes a second approval by the same person impossible
CREATE TABLE writ_case_approval (
    case_id        VARCHAR(36)  NOT NULL REFERENCES writ_case (id),
    proposal_round INTEGER      NOT NULL,
    approver       VARCHAR(256) NOT NULL,
    reason         TEXT         NOT NULL,
    approved_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (case_id, proposal_round, approver)
);

-- every transition and every evidence addition, in order
CREATE TABLE writ_case_event (
    case_id     VARCHAR(36)  NOT NULL REFERENCES writ_case (id),
    seq         INTEGER      NOT NULL,
    event_name  VARCHAR(32)  NOT NULL,
    actor       VARCHAR(256) NOT NULL,
    from_status VARCHAR(16),
    to_status   VARCHAR(16)  NOT NULL,
    reason      TEXT,
    occurred_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (case_id, seq)
);
