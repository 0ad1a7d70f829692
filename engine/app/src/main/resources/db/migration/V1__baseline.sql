-- Writ's schema. Every migration must run unchanged on PostgreSQL and on H2 in MODE=PostgreSQL
-- (the persistence tests run both). Avoid words H2 reserves (value, key, year, month, day, ...).
-- Numbering: V2 ingest (signals, dossiers, decisions), V3 cases.
CREATE TABLE writ_info (
    info_name  VARCHAR(64) PRIMARY KEY,
    info_value VARCHAR(256) NOT NULL
);
INSERT INTO writ_info (info_name, info_value) VALUES ('schema', 'writ');
