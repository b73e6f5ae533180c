-- The registry schema for PostgreSQL. Times are UnixNano BIGINTs (the zero
-- time is -9223372036854775808); the *_lower columns hold strings.ToLower
-- of their column, computed by the store, for contains/startsWith. Keys and
-- codes use the "C" collation so that ORDER BY sorts bytewise, as Go does.

CREATE TABLE applications (
    id               TEXT COLLATE "C" NOT NULL,
    idempotency_key  TEXT COLLATE "C",          -- NULL when the client sent none
    participant_code TEXT COLLATE "C" NOT NULL DEFAULT '',
    stage            TEXT   NOT NULL,
    waiting          TEXT   NOT NULL DEFAULT '[]', -- JSON array, in order
    version          BIGINT NOT NULL,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    state            BYTEA,
    CONSTRAINT applications_pkey PRIMARY KEY (id),
    CONSTRAINT applications_key_unique UNIQUE (idempotency_key)
);
CREATE INDEX applications_created ON applications (created_at, id);
CREATE INDEX applications_stage ON applications (stage, created_at, id);

-- One row per distinct open task kind, for ListApplications by waiting.
CREATE TABLE application_waiting (
    application_id TEXT COLLATE "C" NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    kind           TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (application_id, kind)
);
CREATE INDEX application_waiting_kind ON application_waiting (kind, application_id);

CREATE TABLE participants (
    participant_code TEXT COLLATE "C" NOT NULL,
    participant_name TEXT COLLATE "C" NOT NULL,
    status           TEXT COLLATE "C" NOT NULL,
    primary_email    TEXT COLLATE "C" NOT NULL,
    primary_mobile   TEXT COLLATE "C" NOT NULL,
    scheme_code      TEXT COLLATE "C" NOT NULL,
    code_lower       TEXT COLLATE "C" NOT NULL,
    name_lower       TEXT COLLATE "C" NOT NULL,
    status_lower     TEXT COLLATE "C" NOT NULL,
    email_lower      TEXT COLLATE "C" NOT NULL,
    mobile_lower     TEXT COLLATE "C" NOT NULL,
    scheme_lower     TEXT COLLATE "C" NOT NULL,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    record           JSONB  NOT NULL, -- the whole record
    CONSTRAINT participants_pkey PRIMARY KEY (participant_code)
);
CREATE INDEX participants_created ON participants (created_at, participant_code);
CREATE INDEX participants_status ON participants (status);
CREATE INDEX participants_email ON participants (primary_email);
CREATE INDEX participants_mobile ON participants (primary_mobile);
CREATE INDEX participants_scheme ON participants (scheme_code);

CREATE TABLE participant_roles (
    participant_code TEXT COLLATE "C" NOT NULL REFERENCES participants (participant_code) ON DELETE CASCADE,
    position         INTEGER NOT NULL,
    role             TEXT COLLATE "C" NOT NULL,
    role_lower       TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (participant_code, position)
);
CREATE INDEX participant_roles_role ON participant_roles (role, participant_code);

CREATE TABLE participant_linked_codes (
    participant_code  TEXT COLLATE "C" NOT NULL REFERENCES participants (participant_code) ON DELETE CASCADE,
    position          INTEGER NOT NULL,
    linked_code       TEXT COLLATE "C" NOT NULL,
    linked_code_lower TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (participant_code, position)
);
CREATE INDEX participant_linked_codes_code ON participant_linked_codes (linked_code, participant_code);

CREATE TABLE audit_events (
    application_id TEXT COLLATE "C" NOT NULL REFERENCES applications (id),
    seq            BIGINT NOT NULL,
    time_ns        BIGINT NOT NULL, -- UnixNano, exactly what the hash covers
    actor          TEXT   NOT NULL,
    action         TEXT   NOT NULL,
    from_stage     TEXT   NOT NULL,
    to_stage       TEXT   NOT NULL,
    reason         TEXT   NOT NULL,
    prev_hash      TEXT   NOT NULL,
    hash           TEXT   NOT NULL,
    CONSTRAINT audit_events_pkey PRIMARY KEY (application_id, seq)
);
