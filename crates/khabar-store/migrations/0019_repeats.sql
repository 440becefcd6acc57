-- The duplicate rule and the repeated-text count compare a new comment with
-- its author's recent ones. A hash of the body, written by the application
-- with the body, lets this index find the few with the same text instead of
-- reading every recent comment's body (a burst's writer read thousands per
-- batch). Comments of the last day before this migration are hashed once
-- after it (migrate.rs); a deleted or redacted body has none.
ALTER TABLE comments ADD COLUMN body_hash BIGINT;
CREATE INDEX comments_repeats ON comments (author_id, body_hash, created_at);
