-- Version 15: contains and endsWith on participant_code, primary_email
-- and primary_mobile find their rows through pg_trgm GIN indexes, as
-- those on participant_name do (version 8), where pg_trgm is available,
-- instead of reading every participant.
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
            RAISE WARNING 'hcxonboard registry: pg_trgm is unavailable (%); contains and endsWith searches on participant_code, primary_email and primary_mobile will read participants in order without an index. Run CREATE EXTENSION pg_trgm SCHEMA public as a superuser, then CREATE INDEX participants_code_trgm ON participants USING gin (code_lower public.gin_trgm_ops), and the same for email_lower (participants_email_trgm) and mobile_lower (participants_mobile_trgm)', SQLERRM;
            RETURN;
        END;
    END IF;
    EXECUTE format('CREATE INDEX participants_code_trgm ON participants USING gin (code_lower %I.gin_trgm_ops)', ext_schema);
    EXECUTE format('CREATE INDEX participants_email_trgm ON participants USING gin (email_lower %I.gin_trgm_ops)', ext_schema);
    EXECUTE format('CREATE INDEX participants_mobile_trgm ON participants USING gin (mobile_lower %I.gin_trgm_ops)', ext_schema);
END
$$;
