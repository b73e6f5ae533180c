-- Version 8: every query the engine and the staff run is served by an
-- index at a million participants.
--
-- * application_waiting carries its application's stage and created_at,
--   so the staff queue (by what it waits on, and by stage and what it
--   waits on) is read from an index in paging order and stops at the page:
--   no sort of every waiting application. The store keeps them in step
--   with the application row in the same transaction.
-- * participants_name_lower serves startsWith and eq on participant_name.
-- * participants_name_trgm: a pg_trgm GIN index over name_lower, so that
--   contains and endsWith on participant_name find their rows without
--   reading every participant. CREATE EXTENSION needs the database
--   owner's right (pg_trgm is a trusted extension) or a superuser's;
--   where neither holds, or the extension is not installed on the server,
--   the migration warns and goes on without the index: such searches then
--   read participants in paging order (Store.SearchIndexes reports it).
--   The extension goes to schema public, so that dropping one store's
--   schema never drops it from under another.
-- * The certificate expiries, read from the record, are indexed, so that
--   the certificates expiring soon are found without reading every
--   participant.

ALTER TABLE application_waiting ADD COLUMN stage TEXT NOT NULL DEFAULT '',
    ADD COLUMN created_at BIGINT NOT NULL DEFAULT 0;
UPDATE application_waiting w SET stage = a.stage, created_at = a.created_at
    FROM applications a WHERE a.id = w.application_id;
CREATE INDEX application_waiting_queue ON application_waiting (kind, created_at, application_id);
CREATE INDEX application_waiting_stage_queue ON application_waiting (kind, stage, created_at, application_id);

CREATE INDEX participants_name_lower ON participants (name_lower);

DO $$
DECLARE
    ext_schema name;
BEGIN
    SELECT n.nspname INTO ext_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
        WHERE e.extname = 'pg_trgm';
    IF ext_schema IS NULL THEN
        BEGIN
            CREATE EXTENSION pg_trgm SCHEMA public;
            ext_schema := 'public';
        EXCEPTION WHEN OTHERS THEN
            RAISE WARNING 'hcxonboard registry: pg_trgm is unavailable (%); participant_name contains and endsWith searches will read participants in order without an index. Run CREATE EXTENSION pg_trgm SCHEMA public as a superuser, then CREATE INDEX participants_name_trgm ON participants USING gin (name_lower public.gin_trgm_ops)', SQLERRM;
            RETURN;
        END;
    END IF;
    EXECUTE format('CREATE INDEX participants_name_trgm ON participants USING gin (name_lower %I.gin_trgm_ops)', ext_schema);
END
$$;

CREATE INDEX participants_encryption_cert_expiry ON participants (((record ->> 'encryption_cert_expiry')::bigint));
CREATE INDEX participants_signing_cert_expiry ON participants (((record ->> 'signing_cert_expiry')::bigint));
