-- A reader's record for the moderation pipeline (approved comments, the
-- rejection rate, repeated texts) is read at every comment they post: with
-- the status in the author index, the counts are read from the index alone.
DROP INDEX comments_author;
CREATE INDEX comments_author ON comments (author_id, created_at, status);
