-- Version 16: a payer lists the approval requests addressed to it through
-- an index, instead of reading every application waiting on approval.
-- applications.waiting_on keeps the participant codes an application's
-- open tasks await (registry.Application WaitingOn), as JSON, in order;
-- each also has an application_waiting row of kind '@' || code, which no
-- open task kind can be (a kind beginning with '@' is refused), so the
-- queue index (kind, stage, created_at, application_id) serves a listing
-- by awaited participant. applications.waiting keeps the kinds alone.
--
-- Applications stored before await the payers their open approval tasks
-- are addressed to, read from the engine's state (JSON in a bytea), where
-- their waiting says approval — none that is rejected, withdrawn or
-- inactive. A state that is not JSON awaits no one, nor does a recipient
-- longer than any participant code (registry.MaxKeyLength, 256 bytes),
-- as earlier versions let an applicant's typed payer name be: its index
-- row could exceed what PostgreSQL indexes and stop the upgrade, and the
-- store refuses to write such an awaited code.

ALTER TABLE applications ADD COLUMN waiting_on TEXT NOT NULL DEFAULT '[]'; -- JSON array, in order

-- A DO block rather than a function in pg_temp: that would need the
-- TEMPORARY privilege on the database, which hardened deployments revoke
-- (from the store's role too), and the upgrade would stop there.
DO $$
DECLARE
    app record;
    doc jsonb;
    awaited text;
BEGIN
    FOR app IN SELECT id, state FROM applications
        WHERE id IN (SELECT application_id FROM application_waiting WHERE kind = 'approval') AND state IS NOT NULL
    LOOP
        BEGIN
            -- jsonb refuses the escape \u0000, which a state stored before
            -- the engine refused NUL in its input may hold anywhere: it
            -- becomes U+FFFD here, the state is left as it was.
            doc := replace(convert_from(app.state, 'UTF8'), E'\\u0000', E'\\ufffd')::jsonb;
        EXCEPTION WHEN OTHERS THEN
            CONTINUE; -- not the engine's JSON: awaits no one
        END;
        CONTINUE WHEN jsonb_typeof(doc -> 'tasks') IS DISTINCT FROM 'array';
        SELECT coalesce(json_agg(code ORDER BY code COLLATE "C"), '[]')::text INTO awaited FROM (
            SELECT DISTINCT t ->> 'recipient' AS code
            FROM jsonb_array_elements(doc -> 'tasks') t
            WHERE jsonb_typeof(t) = 'object' AND t ->> 'kind' = 'approval' AND t ->> 'state' = 'open'
              AND jsonb_typeof(t -> 'recipient') = 'string' AND t ->> 'recipient' <> ''
              AND octet_length(t ->> 'recipient') <= 256 -- registry.MaxKeyLength: no longer code is stored
        ) c;
        IF awaited <> '[]' THEN -- '[]' is the column's default
            UPDATE applications SET waiting_on = awaited WHERE id = app.id;
        END IF;
    END LOOP;
END $$;

INSERT INTO application_waiting (application_id, kind, stage, created_at)
SELECT a.id, '@' || j.code, a.stage, a.created_at
FROM applications a, json_array_elements_text(a.waiting_on::json) j(code)
WHERE a.waiting_on <> '[]'
ON CONFLICT DO NOTHING;
