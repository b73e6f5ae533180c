-- Version 18: the expiring certificates are read a page at a time from one
-- index, in its order: the earlier of a participant's two certificate
-- expiries (an expiry of 0 or less is no certificate; none is the largest
-- bigint), then its code, Inactive participants left out. Paging by code
-- over the two indexes of version 8 read every certificate in the window
-- for each page. The expression is the store's, exactly (certs.go).
CREATE INDEX participants_cert_soonest ON participants (
    least(CASE WHEN (record ->> 'encryption_cert_expiry')::bigint > 0 THEN (record ->> 'encryption_cert_expiry')::bigint ELSE 9223372036854775807 END,
          CASE WHEN (record ->> 'signing_cert_expiry')::bigint > 0 THEN (record ->> 'signing_cert_expiry')::bigint ELSE 9223372036854775807 END),
    participant_code) WHERE status <> 'Inactive';
DROP INDEX participants_encryption_cert_expiry;
DROP INDEX participants_signing_cert_expiry;
