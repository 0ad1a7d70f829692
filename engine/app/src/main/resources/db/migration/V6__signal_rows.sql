-- Signals as rows (issue 3, throughput). An accepted batch appends its signals and moves each touched tenant's
-- head one version on; it no longer writes whole dossiers. A dossier version is the fold (DossierMerger) of its
-- tenant's signals up to that version, assembled when it is evaluated or read, starting from the newest stored
-- snapshot (the `dossier` table) at or below it. The evaluator stores a snapshot when it has folded enough
-- signals on top of the last one, so assembling stays short without writing a whole dossier per decision.
-- Numbered 6: 4 and 5 belong to the audit log and enforcement. Runs on PostgreSQL and H2 in MODE=PostgreSQL.

CREATE TABLE tenant_signal (
    tenant_id       VARCHAR(255) NOT NULL,
    dossier_version BIGINT NOT NULL,
    -- the signal's index in its batch: the fold's order within one version
    batch_position  INTEGER NOT NULL,
    batch_id        VARCHAR(36) NOT NULL REFERENCES signal_batch (batch_id),
    -- VARCHAR, not TEXT: H2 keeps it in the row instead of in its LOB store (a signal is at most 64 KiB of JSON)
    signal_json     VARCHAR(65536) NOT NULL,
    PRIMARY KEY (tenant_id, dossier_version, batch_position)
);

-- A batch's signals now live in tenant_signal; batches stored before this migration keep their copy here.
ALTER TABLE signal_batch ALTER COLUMN signals_json DROP NOT NULL;

-- Idempotency keys belong to the caller that sent them: two pipelines may both use "batch-1". The unique
-- idempotency_key column now holds the hex SHA-256 of (caller, NUL, key); the caller and its key are kept as
-- sent. Keys stored before this migration stay unscoped and simply stop matching.
ALTER TABLE signal_batch ADD COLUMN caller VARCHAR(255);
ALTER TABLE signal_batch ADD COLUMN client_key VARCHAR(255);

-- A decision's input is the dossier version it names, which its signals reproduce exactly (the decision keeps
-- the hash to check it against), so input_json is no longer written, and a decided version need not have a
-- snapshot row: the table is rebuilt without the foreign key to `dossier` (whose constraint name H2 makes up,
-- so it cannot be dropped by name on both databases). Decisions stored before keep their input.
CREATE TABLE decision_v6 (
    decision_id     VARCHAR(36) PRIMARY KEY,
    tenant_id       VARCHAR(255) NOT NULL,
    dossier_version BIGINT NOT NULL,
    dossier_sha256  VARCHAR(64) NOT NULL,
    bundle_revision VARCHAR(255) NOT NULL,
    input_json      TEXT,
    result_json     TEXT NOT NULL,
    verdict         VARCHAR(32),
    decided_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    duration_micros BIGINT NOT NULL
);
INSERT INTO decision_v6 (decision_id, tenant_id, dossier_version, dossier_sha256, bundle_revision, input_json,
                         result_json, verdict, decided_at, duration_micros)
    SELECT decision_id, tenant_id, dossier_version, dossier_sha256, bundle_revision, input_json,
           result_json, verdict, decided_at, duration_micros FROM decision;
DROP TABLE decision;
ALTER TABLE decision_v6 RENAME TO decision;
CREATE INDEX decision_by_tenant ON decision (tenant_id, dossier_version);

-- A case holds each distinct violation once: a later decision that finds exactly the same adds nothing.
CREATE INDEX writ_case_evidence_digest ON writ_case_evidence (case_id, violation_digest);
-- the next evidence number is found at the end of this index (events have it as their primary key)
CREATE INDEX writ_case_evidence_seq ON writ_case_evidence (case_id, seq);

-- Enforcement: the target's state as previewed before an action's first apply. A repeat after a crash halfway
-- through an apply that deletes what its revert needs (role assignments) takes the definitions from here.
ALTER TABLE writ_enforcement_action ADD COLUMN before_json TEXT;
