-- Version 8: every query the engine and the staff run is served by an
-- index at a million participants.
--
-- * application_waiting carries its application's stage and created_at,
--   so the staff queue (by what it waits on, and by stage and what it
--   waits on) is read from an index in paging order and stops at the page:
--   no sort of every waiting application. The store keeps them in step
--   with the application row in the same transaction.
-- * participants_name: an FTS5 trigram index over name_lower, so that
--   contains and endsWith on participant_name find their rows without
--   reading every participant. It is an external-content table over
--   participants (keyed by its rowid), kept by triggers; VACUUM keeps
--   rowids in practice, and INSERT INTO participants_name(participants_name)
--   VALUES ('rebuild') rebuilds it if ever in doubt.
-- * participants_name_lower serves startsWith and eq on participant_name.
-- * The certificate expiries, read from the record, are indexed, so that
--   the certificates expiring soon are found without reading every
--   participant.

CREATE INDEX participants_name_lower ON participants (name_lower);

CREATE VIRTUAL TABLE participants_name USING fts5(
    name_lower, content = 'participants', content_rowid = 'rowid', tokenize = 'trigram', columnsize = 0);
INSERT INTO participants_name (participants_name) VALUES ('rebuild');
CREATE TRIGGER participants_name_insert AFTER INSERT ON participants BEGIN
    INSERT INTO participants_name (rowid, name_lower) VALUES (new.rowid, new.name_lower);
END;
CREATE TRIGGER participants_name_delete AFTER DELETE ON participants BEGIN
    INSERT INTO participants_name (participants_name, rowid, name_lower) VALUES ('delete', old.rowid, old.name_lower);
END;
CREATE TRIGGER participants_name_update AFTER UPDATE OF name_lower ON participants
WHEN old.name_lower IS NOT new.name_lower BEGIN
    INSERT INTO participants_name (participants_name, rowid, name_lower) VALUES ('delete', old.rowid, old.name_lower);
    INSERT INTO participants_name (rowid, name_lower) VALUES (new.rowid, new.name_lower);
END;

ALTER TABLE application_waiting ADD COLUMN stage TEXT NOT NULL DEFAULT '';
ALTER TABLE application_waiting ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;
UPDATE application_waiting SET (stage, created_at) =
    (SELECT a.stage, a.created_at FROM applications a WHERE a.id = application_waiting.application_id);
CREATE INDEX application_waiting_queue ON application_waiting (kind, created_at, application_id);
CREATE INDEX application_waiting_stage_queue ON application_waiting (kind, stage, created_at, application_id);

CREATE INDEX participants_encryption_cert_expiry ON participants (json_extract(record, '$.encryption_cert_expiry'));
CREATE INDEX participants_signing_cert_expiry ON participants (json_extract(record, '$.signing_cert_expiry'));
