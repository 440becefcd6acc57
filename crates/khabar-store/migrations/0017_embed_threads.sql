-- Discussions embedded on other sites (docs/embed.md). Each is an edition
-- with status 'embedded' of a story of its own, so that comments,
-- moderation, live updates and notifications treat it as any thread;
-- listings, feeds, sitemaps and search show only 'published' editions.
-- This table ties the host page's normalized URL to that edition.
CREATE TABLE embed_threads (
    -- The normalized URL (or the key an alias maps it to): one thread each.
    url_key TEXT PRIMARY KEY,
    edition_id BIGINT NOT NULL UNIQUE REFERENCES editions (id) ON DELETE CASCADE,
    -- The host page as first seen: its address, title and origin.
    url TEXT NOT NULL,
    title TEXT NOT NULL,
    origin TEXT NOT NULL,
    lang TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- Tokens minted for an embedded discussion's sign-in last a few hours;
-- NULL for personal tokens, which last until revoked.
ALTER TABLE access_tokens ADD COLUMN expires_at BIGINT;
