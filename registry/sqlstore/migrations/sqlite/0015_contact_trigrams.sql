-- Version 15: contains and endsWith on participant_code, primary_email
-- and primary_mobile find their rows through a trigram index, as those on
-- participant_name do (version 8), instead of reading every participant.
-- participants_contacts is an FTS5 trigram index over the three
-- lower-cased columns, an external-content table over participants (keyed
-- by its rowid). As for the name (version 11), the store writes a new
-- participant's row itself; changes and deletions are kept by triggers.

CREATE VIRTUAL TABLE participants_contacts USING fts5(
    code_lower, email_lower, mobile_lower, content = 'participants', content_rowid = 'rowid', tokenize = 'trigram', columnsize = 0);
INSERT INTO participants_contacts (participants_contacts) VALUES ('rebuild');
CREATE TRIGGER participants_contacts_delete AFTER DELETE ON participants BEGIN
    INSERT INTO participants_contacts (participants_contacts, rowid, code_lower, email_lower, mobile_lower)
        VALUES ('delete', old.rowid, old.code_lower, old.email_lower, old.mobile_lower);
END;
CREATE TRIGGER participants_contacts_update AFTER UPDATE OF code_lower, email_lower, mobile_lower ON participants
WHEN old.code_lower IS NOT new.code_lower OR old.email_lower IS NOT new.email_lower OR old.mobile_lower IS NOT new.mobile_lower BEGIN
    INSERT INTO participants_contacts (participants_contacts, rowid, code_lower, email_lower, mobile_lower)
        VALUES ('delete', old.rowid, old.code_lower, old.email_lower, old.mobile_lower);
    INSERT INTO participants_contacts (rowid, code_lower, email_lower, mobile_lower)
        VALUES (new.rowid, new.code_lower, new.email_lower, new.mobile_lower);
END;
