-- Version 6: the documents uploaded for an application (document.Store,
-- sqlstore.Documents), kept beside it, so that every replica reads them
-- and a document can neither outlive nor miss its application:
-- documents_application_id_fkey refuses a document of an application that
-- does not exist, and deleting an application deletes its documents.
--
-- A document is read by (application_id, id), which the primary key
-- indexes, and listed by application, which its prefix serves; an
-- application has a handful, so they are ordered without an index of
-- their own. PDF, PNG and JPEG are compressed already, so content is
-- stored out of line without another attempt at compression (STORAGE
-- EXTERNAL). The store computes size and sha256 from the content; the
-- check keeps size honest.

CREATE TABLE documents (
    application_id TEXT COLLATE "C" NOT NULL,
    id             TEXT COLLATE "C" NOT NULL, -- a UUID the store made
    kind           TEXT COLLATE "C" NOT NULL,
    media_type     TEXT   NOT NULL,            -- judged from the content
    size           BIGINT NOT NULL,
    sha256         TEXT   NOT NULL,            -- lower-case hex
    created_at     BIGINT NOT NULL,            -- UnixNano
    uploaded_by    TEXT   NOT NULL,
    content        BYTEA  NOT NULL,
    CONSTRAINT documents_pkey PRIMARY KEY (application_id, id),
    CONSTRAINT documents_application_id_fkey FOREIGN KEY (application_id)
        REFERENCES applications (id) ON DELETE CASCADE,
    CONSTRAINT documents_size_check CHECK (size = octet_length(content))
);
ALTER TABLE documents ALTER COLUMN content SET STORAGE EXTERNAL;
