-- Version 9: the engine's scheduler (registry.DueLister, registry.Leaser).
--
-- * applications.due_at is when the engine's scheduled work next falls
--   due for the application (UnixNano; NULL: never): certificate and
--   secret notices, idle applications to expire, de-boardings to carry
--   out, readiness re-checks. applications_due indexes only the rows
--   that have one, in the scheduler's order, so a pass reads the due
--   applications and nothing else.
-- * Applications written before this version are due at once (the
--   smallest time), so the first pass works out each one's real time.
-- * leases: one row per named lease, taken by an upsert that only wins
--   when the lease is free, expired or the owner's own.

ALTER TABLE applications ADD COLUMN due_at BIGINT;
UPDATE applications SET due_at = -9223372036854775807
WHERE stage IN ('submitted', 'verifying', 'details', 'credentials', 'live');
CREATE INDEX applications_due ON applications (due_at, id) WHERE due_at IS NOT NULL;

CREATE TABLE leases (
    name     TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    owner    TEXT NOT NULL,
    until_ns BIGINT NOT NULL
);
