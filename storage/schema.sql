-- Youth Voice database schema (SQLite). Who someone is (contacts) and what they said (answers)
-- live in separate tables with nothing in common: see README "Privacy model".
-- Tables whose row order could hint at who answered when are WITHOUT ROWID, so queries meet
-- rows in the order of a random key. Inside a page rows still sit in the order they were
-- written, so answers and marks are written in shuffled batches (storage/release.py).

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
    joined_on TEXT NOT NULL,
    -- Set while the person has paused messages the bot starts (NULL: not paused).
    paused_until REAL,
    -- 1 when the person chose easy-read messages.
    easy_read INTEGER NOT NULL DEFAULT 0,
    -- The date retention first found them stopped or unreachable (NULL while joined): they are
    -- removed 90 days later.
    stopped_on TEXT
);

-- A repeating check-in: the next one opens at next_at. Cancelled schedules are kept, marked.
CREATE TABLE IF NOT EXISTS schedules (
    id INTEGER PRIMARY KEY,
    survey_id TEXT NOT NULL,
    cohort_id INTEGER REFERENCES cohorts(id),
    next_at REAL,
    every TEXT,
    open_for REAL,
    remind_after REAL,
    cancelled INTEGER NOT NULL DEFAULT 0
);

-- Who a check-in is for: a cohort (or everyone), or the Going/Maybe of a meeting.
CREATE TABLE IF NOT EXISTS checkins (
    id INTEGER PRIMARY KEY,
    survey_id TEXT NOT NULL,
    cohort_id INTEGER REFERENCES cohorts(id),
    opens_at REAL NOT NULL,
    closes_at REAL,
    remind_at REAL,
    reminded INTEGER NOT NULL DEFAULT 0,
    schedule_id INTEGER REFERENCES schedules(id),
    meeting_id INTEGER REFERENCES meetings(id),
    -- How many invitations were queued when it opened (NULL for check-ins opened before this
    -- was kept).
    invited INTEGER,
    UNIQUE (schedule_id, opens_at)
);

CREATE TABLE IF NOT EXISTS meetings (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    starts_at REAL NOT NULL,
    place TEXT,
    link TEXT,
    notes TEXT,
    cohort_id INTEGER REFERENCES cohorts(id),
    cancelled INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE IF NOT EXISTS meeting_reminders (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id),
    kind TEXT NOT NULL,
    due_at REAL NOT NULL,
    done INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (meeting_id, kind)
);

-- Everyone invited to a meeting, and their answer (NULL until they choose). RSVPs are not
-- anonymous answers: reminders need to reach the people who said Going or Maybe.
CREATE TABLE IF NOT EXISTS rsvps (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id),
    chat_id INTEGER NOT NULL,
    answer TEXT CHECK (answer IN ('going', 'maybe', 'no')),
    PRIMARY KEY (meeting_id, chat_id)
);

-- The only link between a person and an unfinished response: an HMAC of their user id scoped to
-- the check-in. Deleted the moment the response is finished.
CREATE TABLE IF NOT EXISTS progress (
    link TEXT PRIMARY KEY,
    checkin_id INTEGER NOT NULL REFERENCES checkins(id),
    state TEXT NOT NULL,
    updated_on TEXT NOT NULL,
    -- Set while the reply to this person's last step may not have reached them: by then the
    -- delivery loop shows them their current question again. Cleared once the reply went.
    -- (Its index is made in storage/sqlite_base.py, after older databases gain the column.)
    reply_due REAL
) WITHOUT ROWID;

-- Released answers: a random response id, the check-in, question, value and the date of the
-- release only (not of finishing); written a batch at a time in a random order.
CREATE TABLE IF NOT EXISTS answers (
    response_id TEXT NOT NULL,
    checkin_id INTEGER NOT NULL REFERENCES checkins(id),
    question_id TEXT NOT NULL,
    value TEXT NOT NULL,
    answered_on TEXT NOT NULL,
    PRIMARY KEY (response_id, question_id)
) WITHOUT ROWID;

-- Finished responses not yet released (storage/release.py): still under the person's link, as
-- in progress, until at least K of the check-in wait or it closes; then the whole batch goes to
-- answers and participation in random orders and these rows are deleted. The date only.
CREATE TABLE IF NOT EXISTS waiting (
    link TEXT PRIMARY KEY,
    checkin_id INTEGER NOT NULL REFERENCES checkins(id),
    answers TEXT NOT NULL,
    finished_on TEXT NOT NULL
) WITHOUT ROWID;

-- "Finished this check-in" marks, kept as HMACs so reminders can skip people who answered.
-- Written with their batch of answers, in another random order (a waiting row counts too).
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

-- Messages the bot starts (invitations, reminders, notices), sent by one delivery loop and
-- deleted once sent or failed (older versions kept them a week as 'sent' or 'failed').
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY,
    chat_id INTEGER NOT NULL,
    payload TEXT NOT NULL,
    due_at REAL NOT NULL,
    status TEXT NOT NULL DEFAULT 'queued'
        CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    -- Urgent messages (the 1-hour meeting reminder) may go out in quiet hours.
    urgent INTEGER NOT NULL DEFAULT 0,
    dedupe_key TEXT UNIQUE,
    sent_at REAL,
    error TEXT,
    -- A message still queued at this time (check-in closed or meeting started) is never sent.
    expires_at REAL,
    -- Tries whose outcome was unknown (a timeout, a cut connection, a crash mid-send): after
    -- two, the message is taken as sent, so nobody gets it more than twice.
    unsure INTEGER NOT NULL DEFAULT 0,
    -- 1 once the request of the current try is about to leave: a row left 'sending' without it
    -- was claimed but never tried, so it is simply queued again.
    started INTEGER NOT NULL DEFAULT 0,
    -- Who claimed it (each running bot names itself at start), and until when the claim holds:
    -- a claim that ran out belongs to a bot that died, and its message is queued again.
    claimed_by TEXT,
    lease_until REAL
);
-- How many messages were sent, and how many could never be (failed, expired), per day they
-- were due (days since 1970, UTC). The outbox deletes a message once it is done, since its row
-- names the person: these plain counts are all that status views need. Kept a week.
CREATE TABLE IF NOT EXISTS outbox_done (
    day INTEGER NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('sent', 'failed')),
    count INTEGER NOT NULL,
    PRIMARY KEY (day, outcome)
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (status, due_at);
-- Finds each chat's oldest unsent message (messages to one person go in order).
CREATE INDEX IF NOT EXISTS outbox_chat ON outbox (chat_id, id) WHERE status IN ('queued', 'sending');
CREATE INDEX IF NOT EXISTS contacts_cohort ON contacts (cohort_id, status);
-- Results count answers per question and value in the database: this index holds what they
-- need, in order, so a million answers are counted without sorting them.
CREATE INDEX IF NOT EXISTS answers_by_question ON answers (checkin_id, question_id, value);

-- Safeguarding alerts: a young person said yes to someone from the team getting in touch, and
-- the people in YOUTHVOICE_SAFEGUARDING were sent a way to reach them. Restricted: no view,
-- command or export reads it. Linked to no answer, check-in or response; the date only, never
-- a time or anything they wrote. Deleted by retention after 365 days.
CREATE TABLE IF NOT EXISTS safeguarding_alerts (
    id INTEGER PRIMARY KEY,
    chat_id INTEGER NOT NULL,
    raised_on TEXT NOT NULL,
    -- How many safeguarding leads were sent the alert.
    recipients INTEGER NOT NULL
);

-- Every staff action (plan, send, cancel, view results, export, post an update): who did it
-- (a staff member's Telegram id, or the command line), what, and when. Never a young person's
-- id or anything they said.
CREATE TABLE IF NOT EXISTS audit_log (
    id INTEGER PRIMARY KEY,
    at REAL NOT NULL,
    who TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);

-- "You said, we did": what staff tell young people was done about what they said. Who posted
-- it is staff (a staff id or the command line); ``sent_to`` is how many it was queued to.
-- status: done, in_progress, planned (by ``due_on``, a local date) or couldnt (``why``).
CREATE TABLE IF NOT EXISTS posted_updates (
    id INTEGER PRIMARY KEY,
    you_said TEXT NOT NULL,
    we_did TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('done', 'in_progress', 'planned', 'couldnt')),
    due_on TEXT,
    why TEXT,
    -- A theme (no check-ins) is for one cohort, or everyone when NULL.
    cohort_id INTEGER REFERENCES cohorts(id),
    posted_by TEXT NOT NULL,
    posted_at REAL NOT NULL,
    sent_to INTEGER NOT NULL DEFAULT 0,
    -- When the status last changed after posting (NULL: never): a follow-up.
    status_at REAL
);

-- The check-ins an update answers (none for a theme).
CREATE TABLE IF NOT EXISTS posted_update_checkins (
    posted_id INTEGER NOT NULL REFERENCES posted_updates(id),
    checkin_id INTEGER NOT NULL REFERENCES checkins(id),
    PRIMARY KEY (posted_id, checkin_id)
);
CREATE INDEX IF NOT EXISTS posted_update_checkin ON posted_update_checkins (checkin_id);

-- "That helps" / "Not enough": counts only. Who chose what is never written anywhere, not
-- even as an HMAC: each person's choice lives only in the buttons of their own message.
CREATE TABLE IF NOT EXISTS update_feedback (
    posted_id INTEGER NOT NULL REFERENCES posted_updates(id),
    value TEXT NOT NULL CHECK (value IN ('helps', 'not_enough')),
    count INTEGER NOT NULL DEFAULT 0 CHECK (count >= 0),
    PRIMARY KEY (posted_id, value)
);

-- "Tell us more", kept like an anonymous answer: a random id, the update, the words and the
-- date only.
CREATE TABLE IF NOT EXISTS update_notes (
    note_id TEXT PRIMARY KEY,
    posted_id INTEGER NOT NULL REFERENCES posted_updates(id),
    text TEXT NOT NULL,
    written_on TEXT NOT NULL
) WITHOUT ROWID;

-- Someone tapped "Tell us more" and their next words are for that update: under a pseudonym
-- (an HMAC, as for unfinished check-ins), deleted when the words come or at ``until``.
CREATE TABLE IF NOT EXISTS update_notes_waiting (
    link TEXT PRIMARY KEY,
    posted_id INTEGER NOT NULL REFERENCES posted_updates(id),
    until REAL NOT NULL
) WITHOUT ROWID;

-- Ideas for change from young people, in their own words, tied to nobody: a random code, the
-- text, and dates only. Kept by code, so rows sit in no order that says when each came in.
-- A merged idea points at the one that counts it; a set-aside one says why, and is never
-- shown to young people.
CREATE TABLE IF NOT EXISTS ideas (
    id TEXT PRIMARY KEY,
    text TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'new'
        CHECK (status IN ('new', 'approved', 'merged', 'set_aside')),
    suggested_on TEXT NOT NULL,
    decided_on TEXT,
    merged_into TEXT,
    why TEXT,
    backers INTEGER NOT NULL DEFAULT 1
) WITHOUT ROWID;

-- The action plan: what will be done about each priority, which role answers for it, by when
-- (a local date) and where it stands (the statuses of posted_updates).
CREATE TABLE IF NOT EXISTS plan_actions (
    id INTEGER PRIMARY KEY,
    priority TEXT NOT NULL,
    what TEXT NOT NULL,
    role TEXT NOT NULL,
    due_on TEXT,
    status TEXT NOT NULL CHECK (status IN ('done', 'in_progress', 'planned', 'couldnt')),
    cohort_id INTEGER REFERENCES cohorts(id),
    added_by TEXT NOT NULL,
    added_at REAL NOT NULL,
    changed_at REAL NOT NULL
);

-- When each young person last looked at the plan, so /plan can say what changed since. Goes
-- with the contact (erasure, retention).
CREATE TABLE IF NOT EXISTS plan_seen (
    chat_id INTEGER PRIMARY KEY,
    seen_at REAL NOT NULL
);

-- A staff member's half-finished wizard (/newcheckin, /yousaid...), so whichever bot gets their
-- next tap carries on: staff data only (their Telegram id, the choices so far as JSON).
-- Put away after 30 minutes without a tap.
CREATE TABLE IF NOT EXISTS wizard_sessions (
    user_id INTEGER PRIMARY KEY,
    state TEXT NOT NULL,
    touched REAL NOT NULL
);

-- Surveys the bot made itself (a priorities round, a joint review): their JSON, loaded with
-- the bundled surveys at start.
CREATE TABLE IF NOT EXISTS made_surveys (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    body TEXT NOT NULL
);

-- Who is about to type an idea (after a bare /idea), under a pseudonym (an HMAC with the key
-- kept outside the database), until when. Never next to the idea: the row goes in the same
-- transaction as the idea is kept, when the wait ends, or with the person.
CREATE TABLE IF NOT EXISTS idea_waits (
    link TEXT PRIMARY KEY,
    until REAL NOT NULL
) WITHOUT ROWID;
