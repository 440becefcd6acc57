-- Moderation: what the pipeline and moderators decided about comments,
-- what they did to readers, word lists, settings per site, section and
-- story, and an append-only log of every decision.

-- Published but put before moderators by the pipeline (a suspect word).
ALTER TABLE comments ADD COLUMN flagged BIGINT NOT NULL DEFAULT 0;
-- The pipeline's and moderators' reasons, a JSON array of {code, detail}.
ALTER TABLE comments ADD COLUMN moderation_reasons TEXT NOT NULL DEFAULT '[]';
-- When a moderator last decided: reviewed comments leave the reported and
-- flagged queues.
ALTER TABLE comments ADD COLUMN reviewed_at BIGINT;
-- A moderator's note shown in place of a redacted body.
ALTER TABLE comments ADD COLUMN redaction_note TEXT;
CREATE INDEX comments_queue ON comments (status, created_at);
CREATE INDEX comments_flagged ON comments (created_at) WHERE flagged = 1 AND reviewed_at IS NULL;
CREATE INDEX comment_reports_open ON comment_reports (comment_id) WHERE resolved_at IS NULL;

-- What moderators did to a reader. A warning must be acknowledged before
-- they comment again; shadow-banned readers' comments are seen by them
-- alone; pre-moderated readers' comments are all held.
ALTER TABLE users ADD COLUMN banned_at BIGINT;
ALTER TABLE users ADD COLUMN shadow_banned BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN pre_moderated BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN warning TEXT;

CREATE TABLE moderator_notes (
    id {id},
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL REFERENCES users (id),
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX moderator_notes_user ON moderator_notes (user_id, created_at);

-- A moderator with rows here moderates those sections only.
CREATE TABLE moderator_sections (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    section_id BIGINT NOT NULL REFERENCES sections (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, section_id)
);

CREATE TABLE word_list_entries (
    id {id},
    lang TEXT NOT NULL,
    -- banned | suspect
    list TEXT NOT NULL,
    term TEXT NOT NULL,
    -- word | substring
    mode TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (lang, list, term)
);

-- Per site (scope_id 0), section or story; NULL inherits.
CREATE TABLE moderation_settings (
    scope TEXT NOT NULL,
    scope_id BIGINT NOT NULL,
    pre_moderated BIGINT,
    closed BIGINT,
    message TEXT,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (scope, scope_id)
);

-- The site's pipeline policy (JSON) and a counter that tells every node
-- its compiled word lists are stale.
CREATE TABLE moderation_policy (
    id BIGINT PRIMARY KEY,
    settings TEXT NOT NULL,
    word_lists_version BIGINT NOT NULL
);
INSERT INTO moderation_policy (id, settings, word_lists_version) VALUES (1, '{}', 0);

-- Every decision, by a moderator (actor_id) or by a pipeline phase.
-- Written once, never updated.
CREATE TABLE moderation_log (
    id {id},
    at BIGINT NOT NULL,
    actor_id BIGINT REFERENCES users (id),
    phase TEXT,
    action TEXT NOT NULL,
    comment_id BIGINT REFERENCES comments (id) ON DELETE SET NULL,
    -- The reader the decision concerns.
    user_id BIGINT REFERENCES users (id),
    reasons TEXT NOT NULL,
    message TEXT NOT NULL
);
CREATE INDEX moderation_log_user ON moderation_log (user_id, id);
CREATE INDEX moderation_log_comment ON moderation_log (comment_id, id);

-- A moderator's message to the reader whose comment they rejected.
ALTER TABLE notifications ADD COLUMN message TEXT;
