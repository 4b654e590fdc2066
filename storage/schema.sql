-- Youth Voice database schema (SQLite). Who someone is (contacts) and what they said (answers)
-- live in separate tables with nothing in common: see README "Privacy model".
-- Tables whose row order could hint at who answered when are WITHOUT ROWID, so rows sit in
-- the order of a random key, not the order they were written.

CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS cohorts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    invite_code TEXT NOT NULL UNIQUE,
    created_on TEXT NOT NULL
);

-- One row per young person who joined. No name or username is ever stored.
CREATE TABLE IF NOT EXISTS contacts (
    chat_id INTEGER PRIMARY KEY,
    cohort_id INTEGER REFERENCES cohorts(id),
    language TEXT NOT NULL DEFAULT 'en',
    status TEXT NOT NULL CHECK (status IN ('joined', 'stopped', 'unreachable')),
    joined_on TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS checkins (
    id INTEGER PRIMARY KEY,
    survey_id TEXT NOT NULL,
    cohort_id INTEGER REFERENCES cohorts(id),
    opens_at REAL NOT NULL,
    closes_at REAL
);

-- The only link between a person and an unfinished response: an HMAC of their user id scoped to
-- the check-in. Deleted the moment the response is finished.
CREATE TABLE IF NOT EXISTS progress (
    link TEXT PRIMARY KEY,
    checkin_id INTEGER NOT NULL REFERENCES checkins(id),
    state TEXT NOT NULL,
    updated_on TEXT NOT NULL
) WITHOUT ROWID;

-- Finished answers: a random response id, the check-in, question, value and the date only.
CREATE TABLE IF NOT EXISTS answers (
    response_id TEXT NOT NULL,
    checkin_id INTEGER NOT NULL REFERENCES checkins(id),
    question_id TEXT NOT NULL,
    value TEXT NOT NULL,
    answered_on TEXT NOT NULL,
    PRIMARY KEY (response_id, question_id)
) WITHOUT ROWID;

-- "Finished this check-in" marks, kept as HMACs so reminders can skip people who answered.
CREATE TABLE IF NOT EXISTS participation (
    checkin_id INTEGER NOT NULL REFERENCES checkins(id),
    mark TEXT NOT NULL,
    PRIMARY KEY (checkin_id, mark)
) WITHOUT ROWID;

-- Update ids already handled, so a repeated update changes nothing.
CREATE TABLE IF NOT EXISTS handled_updates (
    update_id INTEGER PRIMARY KEY,
    handled_at REAL NOT NULL
);

-- Messages the bot starts (invitations, reminders, notices), sent by one delivery loop.
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY,
    chat_id INTEGER NOT NULL,
    payload TEXT NOT NULL,
    due_at REAL NOT NULL,
    status TEXT NOT NULL DEFAULT 'queued'
        CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    dedupe_key TEXT UNIQUE,
    sent_at REAL,
    error TEXT
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (status, due_at);
