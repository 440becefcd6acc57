-- A moderator's decision can be undone for a short while. Its log row
-- keeps what it changed (a JSON snapshot: the comment's or reader's former
-- columns, the reports it resolved, the notifications it created); the
-- undo's own row names the decision it reverses. Rows stay append-only.
ALTER TABLE moderation_log ADD COLUMN previous TEXT;
ALTER TABLE moderation_log ADD COLUMN undoes BIGINT REFERENCES moderation_log (id);
-- A decision is undone at most once, even by two moderators at once.
CREATE UNIQUE INDEX moderation_log_undoes ON moderation_log (undoes);
