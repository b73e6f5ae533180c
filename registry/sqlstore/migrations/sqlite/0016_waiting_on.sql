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
-- are addressed to, read from the engine's state (JSON, in a BLOB, which
-- json functions would read as JSONB: hence the CAST), where their
-- waiting says approval — none that is rejected, withdrawn or inactive.
-- A state that is not JSON awaits no one, nor does a recipient longer
-- than any participant code (registry.MaxKeyLength, 256 bytes), as
-- earlier versions let an applicant's typed payer name be: the store
-- refuses to write such an awaited code.

ALTER TABLE applications ADD COLUMN waiting_on TEXT NOT NULL DEFAULT '[]'; -- JSON array, in order

UPDATE applications SET waiting_on = (
    SELECT json_group_array(code) FROM (
        SELECT DISTINCT json_extract(CASE WHEN t.type = 'object' THEN t.value END, '$.recipient') AS code
        FROM json_each(CASE WHEN json_valid(CAST(applications.state AS TEXT)) THEN CAST(applications.state AS TEXT) ELSE '{}' END, '$.tasks') t
        WHERE json_extract(CASE WHEN t.type = 'object' THEN t.value END, '$.kind') = 'approval'
          AND json_extract(CASE WHEN t.type = 'object' THEN t.value END, '$.state') = 'open'
          AND json_type(CASE WHEN t.type = 'object' THEN t.value END, '$.recipient') = 'text'
          AND json_extract(CASE WHEN t.type = 'object' THEN t.value END, '$.recipient') <> ''
          AND length(CAST(json_extract(CASE WHEN t.type = 'object' THEN t.value END, '$.recipient') AS BLOB)) <= 256 -- registry.MaxKeyLength
        ORDER BY code
    )
)
WHERE id IN (SELECT application_id FROM application_waiting WHERE kind = 'approval');

INSERT INTO application_waiting (application_id, kind, stage, created_at)
SELECT a.id, '@' || j.value, a.stage, a.created_at
FROM applications a, json_each(a.waiting_on) j
WHERE a.waiting_on <> '[]'
ON CONFLICT DO NOTHING;
