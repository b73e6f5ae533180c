-- Version 3: a participant's roles and linked registry codes in one table
-- with one index, its key (field, value, participant_code): the order
-- searches look them up in. It replaces a key by participant and an index
-- by value, so a Create writes one index fewer. The store finds a
-- participant's old values in its stored record, and changes only the
-- rows that differ; a list that holds a value twice keeps one row for it,
-- which is all a search needs.

CREATE TABLE participant_values_by_value (
    field            TEXT COLLATE "C" NOT NULL, -- 'role' or 'linked_code'
    value            TEXT COLLATE "C" NOT NULL,
    participant_code TEXT COLLATE "C" NOT NULL,
    value_lower      TEXT COLLATE "C" NOT NULL,
    CONSTRAINT participant_values_by_value_pkey PRIMARY KEY (field, value, participant_code),
    CONSTRAINT participant_values_by_value_participant_code_fkey FOREIGN KEY (participant_code)
        REFERENCES participants (participant_code) ON DELETE CASCADE
);
INSERT INTO participant_values_by_value (field, value, participant_code, value_lower)
    SELECT field, value, participant_code, value_lower FROM participant_values
    ON CONFLICT DO NOTHING;
DROP TABLE participant_values;
ALTER TABLE participant_values_by_value RENAME TO participant_values;
ALTER TABLE participant_values RENAME CONSTRAINT participant_values_by_value_pkey TO participant_values_pkey;
ALTER TABLE participant_values RENAME CONSTRAINT participant_values_by_value_participant_code_fkey TO participant_values_participant_code_fkey;
