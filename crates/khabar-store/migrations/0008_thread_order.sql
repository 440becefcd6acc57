-- A thread page reads its top-level comments straight in the order shown
-- (featured first, then oldest or newest) and stops after one page, so a
-- page costs the same under 50 comments or 50,000; before, every page
-- joined and sorted the whole thread. Newest first reads the second index
-- backwards.
CREATE INDEX comments_thread_oldest ON comments (edition_id, depth, featured DESC, created_at, id);
CREATE INDEX comments_thread_newest ON comments (edition_id, depth, featured, created_at, id);
-- Their leading columns serve every query the old thread index served.
DROP INDEX comments_thread;
