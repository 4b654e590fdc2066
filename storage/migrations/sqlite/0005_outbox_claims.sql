-- Several bots may share one database: each claim names its claimer and runs out at a time,
-- so a dead claimer's messages are queued again.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN lease_until REAL;
