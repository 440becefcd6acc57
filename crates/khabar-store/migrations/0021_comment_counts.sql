-- Each edition's visible comments, kept by triggers on `comments` (their
-- text differs between the backends: migrate.rs adds it after this one).
-- Counting a thread at every rendering of its page, and at every batch of
-- the live follower, read every visible comment of it: 12 ms for 200,000.
CREATE TABLE edition_counts (
    edition_id BIGINT PRIMARY KEY REFERENCES editions (id) ON DELETE CASCADE,
    visible BIGINT NOT NULL
);

INSERT INTO edition_counts (edition_id, visible)
SELECT edition_id, COUNT(*) FROM comments WHERE status = 'visible' GROUP BY edition_id;
