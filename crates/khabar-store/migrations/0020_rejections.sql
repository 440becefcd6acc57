-- The rejection-rate rule counts a reader's recent comments only as far as
-- their rejections could still tip it (moderation.rs). This index finds those
-- rejections without reading the reader's other comments; it holds only the
-- few comments that were refused.
CREATE INDEX comments_rejected ON comments (author_id, created_at) WHERE status = 'rejected';
