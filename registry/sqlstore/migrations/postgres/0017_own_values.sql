-- Version 17: a negated pattern on a list (roles or linked registry codes
-- notContains, notStartsWith, notEndsWith) is tested on each participant a
-- search reads, against that participant's own values. The primary key
-- (field, value, participant_code) cannot find one participant's values
-- without reading every value of the list, so each participant read cost
-- a walk of the whole list: a page of 100 at a million participants read
-- a hundred million index entries. This index finds a participant's few
-- values of a list, lower-cased as the patterns compare them. It also
-- serves the cascade when a participant's rows go.
CREATE INDEX participant_values_own ON participant_values (participant_code, field, value_lower);
