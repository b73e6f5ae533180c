-- Version 11: on SQLite the store writes the name's trigram index row of a
-- new participant itself rather than through a trigger. PostgreSQL's
-- trigram index (participants_name_trgm, where pg_trgm is available) is
-- an ordinary index on participants: nothing changes here.

SELECT 1;
