-- How many a check-in invited; /pause, /easyread and the day someone stopped.
ALTER TABLE checkins ADD COLUMN invited INTEGER;
ALTER TABLE contacts ADD COLUMN paused_until REAL;
ALTER TABLE contacts ADD COLUMN easy_read INTEGER NOT NULL DEFAULT 0;
ALTER TABLE contacts ADD COLUMN stopped_on TEXT;
