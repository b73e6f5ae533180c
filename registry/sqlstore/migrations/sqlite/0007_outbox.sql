-- Version 7: the transactional outbox (registry.Write Outbox,
-- registry.OutboxStore). A message is inserted in the same transaction as
-- the application write that calls for it, so a crash between the write
-- and the send loses nothing; dispatchers lease due messages with one
-- conditional UPDATE in the single writer's transaction, so one message is
-- leased to one owner at a time, whichever Store or process claims.
--
-- outbox_due serves the claim (state = 'pending' AND next_attempt_at <= now,
-- in the order it names) and OutboxDepth's count by state; the lease
-- columns are not indexed, so leasing a row changes no index.
-- outbox_application serves listing an application's messages. The table
-- keeps its rowid, as SQLite advises for rows with large blobs. Times are
-- UnixNano integers as elsewhere; the zero time (math.MinInt64) is an
-- unleased row's lease_until and an unsent row's sent_at.

CREATE TABLE outbox (
    id              TEXT    NOT NULL PRIMARY KEY, -- the engine's idempotency key
    application_id  TEXT    NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    kind            TEXT    NOT NULL,
    recipient       TEXT    NOT NULL,
    payload         BLOB    NOT NULL,             -- opaque; may be encrypted
    created_at      INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    attempts        INTEGER NOT NULL,
    state           TEXT    NOT NULL CHECK (state IN ('pending', 'sent', 'dead')),
    last_error      TEXT    NOT NULL,
    lease_owner     TEXT    NOT NULL,
    lease_until     INTEGER NOT NULL,
    sent_at         INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at, created_at, id);
CREATE INDEX outbox_application ON outbox (application_id, created_at, id);
