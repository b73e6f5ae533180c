-- Version 13: the dead letters, which staff list oldest first, have an
-- index of their own. outbox_due leads with the next attempt, not the
-- creation, so every page sorted the whole dead set. The index is partial:
-- only dead messages are in it, and the writes of the others touch it not.
CREATE INDEX outbox_dead ON outbox (state, created_at, id) WHERE state = 'dead';
