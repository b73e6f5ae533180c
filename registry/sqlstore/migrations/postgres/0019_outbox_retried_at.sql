-- Version 19: when staff last sent a dead message back to pending
-- (registry.OutboxMessage.RetriedAt). A dispatcher counts the age after
-- which it gives up on a message from the retry, so that a retry is a new
-- round of attempts rather than one. The zero time (math.MinInt64), as for
-- sent_at, is a message never retried: every message stored before. A
-- constant default adds the column without rewriting the table.
ALTER TABLE outbox ADD COLUMN retried_at BIGINT NOT NULL DEFAULT -9223372036854775808;
