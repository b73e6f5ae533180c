-- Version 12: a participant code is one application's. The engine draws a
-- fresh code for each application, but the store did not hold it to that:
-- an application could be created (or updated) with another's code and
-- then write that participant's record. The index on participant_code is
-- now unique where a code is set, so the database decides, across
-- replicas. Queries by code say participant_code <> '' to use it.
DROP INDEX applications_participant;
CREATE UNIQUE INDEX applications_participant ON applications (participant_code) WHERE participant_code <> '';
