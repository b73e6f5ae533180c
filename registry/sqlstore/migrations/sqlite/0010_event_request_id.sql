-- Version 10: an audit event's request id (registry.Event RequestID), the
-- X-Request-Id of the HTTP request that caused it, so that an event and
-- the request's log line can be matched. The hash covers it when it is
-- not empty; events stored before this version have none (''), and their
-- hashes are unchanged.

ALTER TABLE audit_events ADD COLUMN request_id TEXT NOT NULL DEFAULT '';
