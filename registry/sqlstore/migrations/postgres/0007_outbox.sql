-- Version 7: the transactional outbox (registry.Write Outbox,
-- registry.OutboxStore). A message is inserted in the same transaction as
-- the application write that calls for it, so a crash between the write
-- and the send loses nothing; dispatchers on every replica lease due
-- messages with UPDATE … FOR UPDATE SKIP LOCKED, so one message is leased
-- to one owner at a time.
--
-- outbox_due serves the claim (state = 'pending' AND next_attempt_at <= now,
-- in the order it names) and OutboxDepth's count by state; the lease
-- columns are not indexed, so leasing a row changes no index.
-- outbox_application serves listing an application's messages. Times are
-- UnixNano BIGINTs as elsewhere; the zero time (math.MinInt64) is an
-- unleased row's lease_until and an unsent row's sent_at.

CREATE TABLE outbox (
    id              TEXT COLLATE "C" NOT NULL, -- the engine's idempotency key
    application_id  TEXT COLLATE "C" NOT NULL,
    kind            TEXT    NOT NULL,
    recipient       TEXT    NOT NULL,
    payload         BYTEA   NOT NULL,          -- opaque; may be encrypted
    created_at      BIGINT  NOT NULL,
    next_attempt_at BIGINT  NOT NULL,
    attempts        INTEGER NOT NULL,
    state           TEXT    NOT NULL,
    last_error      TEXT    NOT NULL,
    lease_owner     TEXT    NOT NULL,
    lease_until     BIGINT  NOT NULL,
    sent_at         BIGINT  NOT NULL,
    CONSTRAINT outbox_pkey PRIMARY KEY (id),
    CONSTRAINT outbox_application_id_fkey FOREIGN KEY (application_id)
        REFERENCES applications (id) ON DELETE CASCADE,
    CONSTRAINT outbox_state_check CHECK (state IN ('pending', 'sent', 'dead'))
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at, created_at, id);
CREATE INDEX outbox_application ON outbox (application_id, created_at, id);
