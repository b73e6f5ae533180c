-- Version 14: a search by the start of a participant code, e-mail or
-- mobile, or by a scheme code, may start from the few participants it
-- names instead of walking the registry in paging order. The e-mail and
-- mobile indexes move to the lower-cased copies the searches compare
-- (equality constrains them too); the code's copy and the scheme code get
-- indexes of their own.
DROP INDEX participants_email;
DROP INDEX participants_mobile;
CREATE INDEX participants_email ON participants (email_lower);
CREATE INDEX participants_mobile ON participants (mobile_lower);
CREATE INDEX participants_code_lower ON participants (code_lower);
CREATE INDEX participants_scheme ON participants (scheme_code);
-- The start of a role or linked code is read from where it begins.
CREATE INDEX participant_values_lower ON participant_values (field, value_lower);
-- A narrow range of updated_at is read from where it begins.
CREATE INDEX participants_updated ON participants (updated_at);
