-- The log's order must be the order in which changes committed: a tenant's next decision entry holds its input as
-- a patch against the previous one (docs/audit-log.md), and a case's transitions follow one another. The sequencer
-- takes committed entries by audit_entry.seq, so a later commit must draw a larger number. On PostgreSQL the cache
-- V9 set is per session: two connections each held a block of 4,096 numbers, and an entry committed later on one
-- could draw a smaller number than an entry committed earlier on the other (and precede it, whenever a pass of the
-- sequencer found both waiting). PostgreSQL draws a number cheaply without a cache (it logs the sequence once per
-- 32 numbers), so it goes back to none. H2's cache is one for the whole database, always in order, and its
-- identity sequence has another name: IF EXISTS makes this a no-op there.
ALTER SEQUENCE IF EXISTS audit_queue_seq_seq CACHE 1;
