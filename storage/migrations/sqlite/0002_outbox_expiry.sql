-- Messages that are no use after a time (a reminder once its check-in has closed) expire.
ALTER TABLE outbox ADD COLUMN expires_at REAL;
