-- The registry schema for SQLite. Times are UnixNano integers (the zero
-- time is -9223372036854775808); the *_lower columns hold strings.ToLower
-- of their column, computed by the store, for contains/startsWith.

CREATE TABLE applications (
    id               TEXT    NOT NULL PRIMARY KEY,
    idempotency_key  TEXT    UNIQUE,            -- NULL when the client sent none
    participant_code TEXT    NOT NULL DEFAULT '',
    stage            TEXT    NOT NULL,
    waiting          TEXT    NOT NULL DEFAULT '[]', -- JSON array, in order
    version          INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    state            BLOB
);
CREATE INDEX applications_created ON applications (created_at, id);
CREATE INDEX applications_stage ON applications (stage, created_at, id);

-- One row per distinct open task kind, for ListApplications by waiting.
CREATE TABLE application_waiting (
    application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    kind           TEXT NOT NULL,
    PRIMARY KEY (application_id, kind)
) WITHOUT ROWID;
CREATE INDEX application_waiting_kind ON application_waiting (kind, application_id);

CREATE TABLE participants (
    participant_code TEXT    NOT NULL PRIMARY KEY,
    participant_name TEXT    NOT NULL,
    status           TEXT    NOT NULL,
    primary_email    TEXT    NOT NULL,
    primary_mobile   TEXT    NOT NULL,
    scheme_code      TEXT    NOT NULL,
    code_lower       TEXT    NOT NULL,
    name_lower       TEXT    NOT NULL,
    status_lower     TEXT    NOT NULL,
    email_lower      TEXT    NOT NULL,
    mobile_lower     TEXT    NOT NULL,
    scheme_lower     TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    record           TEXT    NOT NULL -- the whole record as JSON
);
CREATE INDEX participants_created ON participants (created_at, participant_code);
CREATE INDEX participants_status ON participants (status);
CREATE INDEX participants_email ON participants (primary_email);
CREATE INDEX participants_mobile ON participants (primary_mobile);
CREATE INDEX participants_scheme ON participants (scheme_code);

CREATE TABLE participant_roles (
    participant_code TEXT    NOT NULL REFERENCES participants (participant_code) ON DELETE CASCADE,
    position         INTEGER NOT NULL,
    role             TEXT    NOT NULL,
    role_lower       TEXT    NOT NULL,
    PRIMARY KEY (participant_code, position)
) WITHOUT ROWID;
CREATE INDEX participant_roles_role ON participant_roles (role, participant_code);

CREATE TABLE participant_linked_codes (
    participant_code  TEXT    NOT NULL REFERENCES participants (participant_code) ON DELETE CASCADE,
    position          INTEGER NOT NULL,
    linked_code       TEXT    NOT NULL,
    linked_code_lower TEXT    NOT NULL,
    PRIMARY KEY (participant_code, position)
) WITHOUT ROWID;
CREATE INDEX participant_linked_codes_code ON participant_linked_codes (linked_code, participant_code);

CREATE TABLE audit_events (
    application_id TEXT    NOT NULL REFERENCES applications (id),
    seq            INTEGER NOT NULL,
    time_ns        INTEGER NOT NULL, -- UnixNano, exactly what the hash covers
    actor          TEXT    NOT NULL,
    action         TEXT    NOT NULL,
    from_stage     TEXT    NOT NULL,
    to_stage       TEXT    NOT NULL,
    reason         TEXT    NOT NULL,
    prev_hash      TEXT    NOT NULL,
    hash           TEXT    NOT NULL,
    PRIMARY KEY (application_id, seq)
) WITHOUT ROWID;
