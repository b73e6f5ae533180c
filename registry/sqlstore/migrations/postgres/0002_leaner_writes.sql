-- Version 2: fewer b-trees for every write, and an index to find the
-- application of a participant.
--
-- A Create used to write 18 b-trees (tables and indexes); now 15, while
-- every search keeps an index where one pays:
--
-- * A participant's roles and linked registry codes share one table, keyed
--   by (participant_code, field, position), with one index on
--   (field, value): two b-trees where there were four.
-- * An application's open task kinds are keyed by (kind, application_id),
--   the order ListApplications by task reads them in. The store removes a
--   kind by that key, knowing the old kinds from the application row, so
--   the index by application is gone: one b-tree where there were two.
-- * scheme_code loses its index: a handful of schemes, each with many
--   participants, so an equality on it selects too much for an index to
--   pay. It is searched by a scan in paging order, as contains is.
-- * The status index carries the paging order, so a page of one status is
--   read from it in order and stops at the limit.
-- * applications gain an index on participant_code: the engine finds a
--   participant's application by it for every token, suspension and
--   de-boarding.

CREATE TABLE participant_values (
    participant_code TEXT COLLATE "C" NOT NULL REFERENCES participants (participant_code) ON DELETE CASCADE,
    field            TEXT COLLATE "C" NOT NULL, -- 'role' or 'linked_code'
    position         INTEGER NOT NULL,
    value            TEXT COLLATE "C" NOT NULL,
    value_lower      TEXT COLLATE "C" NOT NULL,
    CONSTRAINT participant_values_pkey PRIMARY KEY (participant_code, field, position)
);
CREATE INDEX participant_values_value ON participant_values (field, value, participant_code);
INSERT INTO participant_values (participant_code, field, position, value, value_lower)
    SELECT participant_code, 'role', position, role, role_lower FROM participant_roles;
INSERT INTO participant_values (participant_code, field, position, value, value_lower)
    SELECT participant_code, 'linked_code', position, linked_code, linked_code_lower FROM participant_linked_codes;
DROP TABLE participant_roles;
DROP TABLE participant_linked_codes;

CREATE TABLE application_tasks (
    kind           TEXT COLLATE "C" NOT NULL,
    application_id TEXT COLLATE "C" NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    PRIMARY KEY (kind, application_id)
);
INSERT INTO application_tasks (kind, application_id) SELECT kind, application_id FROM application_waiting;
DROP TABLE application_waiting;
ALTER TABLE application_tasks RENAME TO application_waiting;
ALTER TABLE application_waiting RENAME CONSTRAINT application_tasks_pkey TO application_waiting_pkey;
ALTER TABLE application_waiting RENAME CONSTRAINT application_tasks_application_id_fkey TO application_waiting_application_id_fkey;

DROP INDEX participants_scheme;
DROP INDEX participants_status;
CREATE INDEX participants_status ON participants (status, created_at, participant_code);
CREATE INDEX applications_participant ON applications (participant_code);
