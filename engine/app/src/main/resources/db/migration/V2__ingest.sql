-- Ingest: accepted signal batches, tenant dossiers (every version kept), and stored decisions.
-- Runs unchanged on PostgreSQL and on H2 in MODE=PostgreSQL.

-- One row per accepted batch. The idempotency key is unique when given; the body hash tells a replay
-- (same body) from a misuse of the key (different body); the response is what a replay gets back.
CREATE TABLE signal_batch (
    batch_id        VARCHAR(36) PRIMARY KEY,
    idempotency_key VARCHAR(255) UNIQUE,
    body_sha256     VARCHAR(64) NOT NULL,
    signal_count    INTEGER NOT NULL,
    signals_json    TEXT NOT NULL,
    response_json   TEXT NOT NULL,
    received_at     TIMESTAMP WITH TIME ZONE NOT NULL
);

-- The newest dossier version of each tenant; a tenant's row is where writers of that tenant meet.
CREATE TABLE tenant_head (
    tenant_id       VARCHAR(255) PRIMARY KEY,
    dossier_version BIGINT NOT NULL,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Every dossier version, as canonical JSON (sorted keys, compact) with the SHA-256 of that text.
CREATE TABLE dossier (
    tenant_id       VARCHAR(255) NOT NULL,
    dossier_version BIGINT NOT NULL,
    dossier_json    TEXT NOT NULL,
    dossier_sha256  VARCHAR(64) NOT NULL,
    batch_id        VARCHAR(36) NOT NULL REFERENCES signal_batch (batch_id),
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, dossier_version)
);

-- Every decision: which dossier version (and hash) it judged, under which bundle revision, the input
-- the policy saw, what it returned, when and how long it took.
CREATE TABLE decision (
    decision_id     VARCHAR(36) PRIMARY KEY,
    tenant_id       VARCHAR(255) NOT NULL,
    dossier_version BIGINT NOT NULL,
    dossier_sha256  VARCHAR(64) NOT NULL,
    bundle_revision VARCHAR(255) NOT NULL,
    input_json      TEXT NOT NULL,
    result_json     TEXT NOT NULL,
    verdict         VARCHAR(32),
    decided_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    duration_micros BIGINT NOT NULL,
    FOREIGN KEY (tenant_id, dossier_version) REFERENCES dossier (tenant_id, dossier_version)
);
CREATE INDEX decision_by_tenant ON decision (tenant_id, dossier_version);
