-- Version 3: a participant's roles and linked registry codes in one b-tree,
-- keyed by (field, value, participant_code): the order searches look them
-- up in. It replaces a table keyed by participant and an index by value,
-- so a Create writes one b-tree fewer. The store finds a participant's
-- old values in its stored record, and changes only the rows that differ;
-- a list that holds a value twice keeps one row for it, which is all a
-- search needs.

CREATE TABLE participant_values_by_value (
    field            TEXT NOT NULL, -- 'role' or 'linked_code'
    value            TEXT NOT NULL,
    participant_code TEXT NOT NULL REFERENCES participants (participant_code) ON DELETE CASCADE,
    value_lower      TEXT NOT NULL,
    PRIMARY KEY (field, value, participant_code)
) WITHOUT ROWID;
INSERT OR IGNORE INTO participant_values_by_value (field, value, participant_code, value_lower)
    SELECT field, value, participant_code, value_lower FROM participant_values;
DROP TABLE participant_values;
ALTER TABLE participant_values_by_value RENAME TO participant_values;
