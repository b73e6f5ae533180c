-- Version 6: the documents uploaded for an application (document.Store,
-- sqlstore.Documents), kept beside it, so that every Store on the
-- database reads them and a document can neither outlive nor miss its
-- application: the foreign key refuses a document of an application that
-- does not exist, and deleting an application deletes its documents.
--
-- A document is read by (application_id, id), which the primary key
-- indexes, and listed by application, which its prefix serves; an
-- application has a handful, so they are ordered without an index of
-- their own. The table keeps its rowid, as SQLite advises for rows with
-- large blobs, and content comes last, so that reading the other columns
-- leaves its overflow pages unread. The store computes size and sha256
-- from the content; the check keeps size honest.

CREATE TABLE documents (
    application_id TEXT    NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    id             TEXT    NOT NULL, -- a UUID the store made
    kind           TEXT    NOT NULL,
    media_type     TEXT    NOT NULL, -- judged from the content
    size           INTEGER NOT NULL,
    sha256         TEXT    NOT NULL, -- lower-case hex
    created_at     INTEGER NOT NULL, -- UnixNano
    uploaded_by    TEXT    NOT NULL,
    content        BLOB    NOT NULL,
    PRIMARY KEY (application_id, id),
    CHECK (size = length(content))
);
