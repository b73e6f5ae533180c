-- Version 18: the expiring certificates are read a page at a time from one
-- index, in its order: the earlier of a participant's two certificate
-- expiries (an expiry of 0 or less is no certificate; none is the largest
-- integer), then its code, Inactive participants left out. Paging by code
-- over the two indexes of version 8 read every certificate in the window
-- for each page. The expression is the store's, exactly (certs.go).
CREATE INDEX participants_cert_soonest ON participants (
    min(CASE WHEN json_extract(record, '$.encryption_cert_expiry') > 0 THEN json_extract(record, '$.encryption_cert_expiry') ELSE 9223372036854775807 END,
        CASE WHEN json_extract(record, '$.signing_cert_expiry') > 0 THEN json_extract(record, '$.signing_cert_expiry') ELSE 9223372036854775807 END),
    participant_code) WHERE status <> 'Inactive';
DROP INDEX participants_encryption_cert_expiry;
DROP INDEX participants_signing_cert_expiry;
