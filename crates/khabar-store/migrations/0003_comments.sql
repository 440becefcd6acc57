-- Reader comments: one thread per edition, replies nested to depth 3
-- (deeper replies attach at depth 3 and name whom they answer), earlier
-- versions kept for moderators, one like per reader, reports with a reason.

CREATE TABLE comments (
    id {id},
    edition_id BIGINT NOT NULL REFERENCES editions (id) ON DELETE CASCADE,
    parent_id BIGINT REFERENCES comments (id) ON DELETE CASCADE,
    -- The top-level comment of the thread this one is in (itself at depth 0).
    root_id BIGINT,
    depth BIGINT NOT NULL,
    -- Set when a reply to a depth-3 comment is attached beside it.
    reply_to_user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    author_id BIGINT NOT NULL REFERENCES users (id),
    body TEXT NOT NULL,
    -- visible | pending | deleted (moderation adds its own states).
    status TEXT NOT NULL,
    like_count BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    edited_at BIGINT,
    deleted_at BIGINT
);
CREATE INDEX comments_thread ON comments (edition_id, depth, created_at);
CREATE INDEX comments_root ON comments (root_id, created_at);
CREATE INDEX comments_author ON comments (author_id, created_at);
-- Comment counts on lists and pages are answered from this index alone.
CREATE INDEX comments_counts ON comments (edition_id, status);

CREATE TABLE comment_versions (
    comment_id BIGINT NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    body TEXT NOT NULL,
    saved_at BIGINT NOT NULL,
    PRIMARY KEY (comment_id, version)
);

CREATE TABLE comment_likes (
    comment_id BIGINT NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (comment_id, user_id)
);

CREATE TABLE comment_reports (
    id {id},
    comment_id BIGINT NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    reporter_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    note TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    resolved_at BIGINT,
    UNIQUE (comment_id, reporter_id)
);

-- Readers a comment mentions and who exist: their @name becomes a link.
CREATE TABLE comment_mentions (
    comment_id BIGINT NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (comment_id, user_id)
);

-- In-app notifications: a reply to one's comment, a mention.
CREATE TABLE notifications (
    id {id},
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    comment_id BIGINT NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    actor_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    read_at BIGINT
);
CREATE INDEX notifications_user ON notifications (user_id, read_at, created_at);

-- Email about notifications: immediately, daily (a digest) or never; the
-- key of the one-click unsubscribe link; when each was emailed.
ALTER TABLE users ADD COLUMN notify_email TEXT NOT NULL DEFAULT 'immediately';
ALTER TABLE users ADD COLUMN unsubscribe_key TEXT;
ALTER TABLE users ADD COLUMN last_digest_at BIGINT;
ALTER TABLE notifications ADD COLUMN emailed_at BIGINT;

-- Featured comments (chosen by moderators) lead their thread; a suspended
-- reader cannot post until the time given.
ALTER TABLE comments ADD COLUMN featured BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN suspended_until BIGINT;
