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

CREATE FUNCTION pg_temp.hcx_awaited(state bytea) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    doc jsonb;
    out text;
BEGIN
    BEGIN
        -- jsonb refuses the escape \u0000, which a state stored before
        -- the engine refused NUL in its input may hold anywhere: it
        -- becomes U+FFFD here, the state is left as it was.
        doc := replace(convert_from(state, 'UTF8'), E'\\u0000', E'\\ufffd')::jsonb;
    EXCEPTION WHEN OTHERS THEN
        RETURN '[]'; -- not the engine's JSON: awaits no one
    END;
    IF jsonb_typeof(doc -> 'tasks') IS DISTINCT FROM 'array' THEN
        RETURN '[]';
    END IF;
    SELECT coalesce(json_agg(code ORDER BY code COLLATE "C"), '[]')::text INTO out FROM (
        SELECT DISTINCT t ->> 'recipient' AS code
        FROM jsonb_array_elements(doc -> 'tasks') t
        WHERE jsonb_typeof(t) = 'object' AND t ->> 'kind' = 'approval' AND t ->> 'state' = 'open'
          AND jsonb_typeof(t -> 'recipient') = 'string' AND t ->> 'recipient' <> ''
          AND octet_length(t ->> 'recipient') <= 256 -- registry.MaxKeyLength: no longer code is stored
    ) c;
    RETURN out;
END $$;

UPDATE applications SET waiting_on = pg_temp.hcx_awaited(state)
WHERE id IN (SELECT application_id FROM application_waiting WHERE kind = 'approval') AND state IS NOT NULL;

DROP FUNCTION pg_temp.hcx_awaited(bytea);

INSERT INTO application_waiting (application_id, kind, stage, created_at)
SELECT a.id, '@' || j.code, a.stage, a.created_at
FROM applications a, json_array_elements_text(a.waiting_on::json) j(code)
WHERE a.waiting_on <> '[]'
ON CONFLICT DO NOTHING;
