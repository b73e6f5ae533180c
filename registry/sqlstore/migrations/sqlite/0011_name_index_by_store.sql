-- Version 11: the store writes a new participant's row of the name's
-- trigram index (participants_name) itself, in the statement after the
-- participant's insert, instead of a trigger. A statement that fires a
-- trigger runs with a statement journal, and FTS5 flushes the terms it
-- holds to a new segment at each such statement: one tiny segment per
-- participant, merged again and again, where the store's own insert leaves
-- them pending until the commit. Renames and deletions keep their
-- triggers: they are rare. The index holds what it held; nothing is
-- rebuilt.

DROP TRIGGER participants_name_insert;
