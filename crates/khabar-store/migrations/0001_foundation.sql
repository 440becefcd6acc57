-- Foundation: people, newsroom taxonomy, stories with their editions,
-- revisions and the events log. Times are Unix milliseconds (UTC).

CREATE TABLE users (
    id {id},
    username TEXT NOT NULL,
    username_key TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE sections (
    id {id},
    slug TEXT NOT NULL UNIQUE,
    position BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

CREATE TABLE section_names (
    section_id BIGINT NOT NULL REFERENCES sections (id) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (section_id, lang)
);

CREATE TABLE tags (
    id {id},
    slug TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE tag_names (
    tag_id BIGINT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (tag_id, lang)
);

CREATE TABLE authors (
    id {id},
    slug TEXT NOT NULL UNIQUE,
    user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE author_profiles (
    author_id BIGINT NOT NULL REFERENCES authors (id) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    name TEXT NOT NULL,
    bio TEXT NOT NULL,
    PRIMARY KEY (author_id, lang)
);

CREATE TABLE stories (
    id {id},
    section_id BIGINT REFERENCES sections (id) ON DELETE SET NULL,
    hero_image TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE story_tags (
    story_id BIGINT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    tag_id BIGINT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (story_id, tag_id)
);
CREATE INDEX story_tags_tag ON story_tags (tag_id);

CREATE TABLE editions (
    id {id},
    story_id BIGINT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    slug TEXT NOT NULL,
    headline TEXT NOT NULL,
    standfirst TEXT NOT NULL,
    body TEXT NOT NULL,
    dateline TEXT NOT NULL,
    hero_caption TEXT NOT NULL,
    hero_credit TEXT NOT NULL,
    comment_mode TEXT NOT NULL,
    status TEXT NOT NULL,
    scheduled_at BIGINT,
    published_at BIGINT,
    updated_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    revision BIGINT NOT NULL,
    UNIQUE (lang, slug),
    UNIQUE (story_id, lang)
);
CREATE INDEX editions_listing ON editions (lang, status, published_at);
CREATE INDEX editions_due ON editions (status, scheduled_at);

CREATE TABLE edition_authors (
    edition_id BIGINT NOT NULL REFERENCES editions (id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL REFERENCES authors (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    PRIMARY KEY (edition_id, author_id)
);
CREATE INDEX edition_authors_author ON edition_authors (author_id);

-- Every saved version of an edition: who saved it, when, and what it said.
CREATE TABLE revisions (
    id {id},
    edition_id BIGINT NOT NULL REFERENCES editions (id) ON DELETE CASCADE,
    revision BIGINT NOT NULL,
    editor_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    saved_at BIGINT NOT NULL,
    slug TEXT NOT NULL,
    headline TEXT NOT NULL,
    standfirst TEXT NOT NULL,
    body TEXT NOT NULL,
    dateline TEXT NOT NULL,
    hero_caption TEXT NOT NULL,
    hero_credit TEXT NOT NULL,
    comment_mode TEXT NOT NULL,
    -- The byline, as a JSON array of author ids in order.
    author_ids TEXT NOT NULL,
    UNIQUE (edition_id, revision)
);

-- Slugs an edition had once it was public: old links redirect to the
-- edition's current address instead of breaking.
CREATE TABLE retired_slugs (
    lang TEXT NOT NULL,
    slug TEXT NOT NULL,
    edition_id BIGINT NOT NULL REFERENCES editions (id) ON DELETE CASCADE,
    retired_at BIGINT NOT NULL,
    PRIMARY KEY (lang, slug)
);

-- The append-only events log; derived state follows it by seq.
CREATE TABLE events (
    seq {id},
    kind TEXT NOT NULL,
    story_id BIGINT,
    edition_id BIGINT,
    lang TEXT,
    actor_id BIGINT,
    payload TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
