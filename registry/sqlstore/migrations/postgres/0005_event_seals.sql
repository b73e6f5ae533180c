-- Version 5: an audit event's seal (registry.Event Seal), the operator's
-- signature over its hash, which registry.VerifySealedChain checks against
-- the operator's public keys. It is not part of the hash. Events stored
-- before this version have none (''): a trail ending in one of them does
-- not pass VerifySealedChain until a write appends a sealed event, whose
-- seal then covers the whole trail before it.

ALTER TABLE audit_events ADD COLUMN seal TEXT NOT NULL DEFAULT '';
