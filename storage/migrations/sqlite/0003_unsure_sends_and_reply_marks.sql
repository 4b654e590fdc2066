-- A send whose outcome is unknown is tried once more, never twice; a send started is marked
-- before it leaves; each saved check-in step carries a mark until its reply has gone.
ALTER TABLE outbox ADD COLUMN unsure INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN started INTEGER NOT NULL DEFAULT 0;
ALTER TABLE progress ADD COLUMN reply_due REAL;
