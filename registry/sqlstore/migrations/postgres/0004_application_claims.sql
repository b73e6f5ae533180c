-- Version 4: the identities an application claims (registry.Application
-- Claims), each held by at most one application.
--
-- application_claims is keyed by the claim alone, so the database, not the
-- program, decides which of two writes claiming one identity wins: the
-- second insert violates application_claims_pkey, inside the write that
-- tried it, whichever replica it came from. The application's own list, in
-- its order, is kept as JSON in applications.claims, as its open tasks
-- are in applications.waiting: reads need no join, and an update finds the
-- rows to free from it.
--
-- Applications stored before this version have no claims ('[]' and no
-- rows): the identities they stand for are not protected until an update
-- gives them their claims.

ALTER TABLE applications ADD COLUMN claims TEXT NOT NULL DEFAULT '[]'; -- JSON array, in order

CREATE TABLE application_claims (
    claim          TEXT COLLATE "C" NOT NULL,
    application_id TEXT COLLATE "C" NOT NULL,
    CONSTRAINT application_claims_pkey PRIMARY KEY (claim),
    CONSTRAINT application_claims_application_id_fkey FOREIGN KEY (application_id)
        REFERENCES applications (id) ON DELETE CASCADE
);
