-- The audit log writes each entry's text once (issue 3, throughput: a decision's entry holds its whole dossier).
-- audit_queue becomes audit_entry, where the change's transaction writes the entry with its leaf hash and which
-- is never changed or emptied again; audit_pending holds only the numbers of entries waiting for their leaf index.
-- The sequencer reads hashes, not texts, and a leaf names its entry instead of copying it: audit_leaf.entry_json
-- stays only for leaves sequenced before this migration. Runs on PostgreSQL and H2 in MODE=PostgreSQL.

ALTER TABLE audit_queue RENAME TO audit_entry;
-- SHA-256(0x00 || entry_json in UTF-8), the RFC 9162 leaf hash, computed when the entry was prepared
-- (NULL for entries written before this migration: the sequencer hashes their text)
ALTER TABLE audit_entry ADD COLUMN leaf_hash BYTEA;

CREATE TABLE audit_pending (
    entry_seq BIGINT PRIMARY KEY
);
-- entries written but not yet sequenced when the migration ran
INSERT INTO audit_pending (entry_seq) SELECT seq FROM audit_entry;

ALTER TABLE audit_leaf ALTER COLUMN entry_json DROP NOT NULL;
