-- A staff member's half-finished wizard, kept in the database so any bot (or a restarted one)
-- carries it on.
CREATE TABLE IF NOT EXISTS wizard_sessions (
    user_id INTEGER PRIMARY KEY,
    state TEXT NOT NULL,
    touched REAL NOT NULL
);
