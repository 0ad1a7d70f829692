-- The signal log (issue 3, throughput). An accepted batch is now one row: its signals as posted (validated, in
-- batch order) and its receipt, which names the dossier version it made for each tenant. Batches are numbered
-- in the order they were accepted (seq), so the table is an append-only log of the service's input. Tenants'
-- heads and newest dossiers are kept in memory by the one service instance that owns the database, and written
-- here in bulk by a checkpoint: a snapshot in `dossier` and the head in `tenant_head` for every tenant changed
-- some seconds ago, together with the log position from which a restart must read the batches again.
-- tenant_signal stays for the batches of V6 (a start folds what they left unsnapshotted, once).
-- Runs on PostgreSQL and H2 in MODE=PostgreSQL.

ALTER TABLE signal_batch ADD COLUMN seq BIGINT;
CREATE UNIQUE INDEX signal_batch_seq ON signal_batch (seq);

-- One row: batches with seq >= replay_from may hold versions that no snapshot covers yet (NULL: a database
-- that V6 wrote, whose tenant_signal rows the next start folds into snapshots).
CREATE TABLE signal_checkpoint (
    id          INTEGER PRIMARY KEY,
    replay_from BIGINT,
    written_at  TIMESTAMP WITH TIME ZONE
);
INSERT INTO signal_checkpoint (id, replay_from, written_at) VALUES (1, NULL, NULL);
