-- Archives brought in from another system (docs/import.md): what each
-- imported record became here, so that a second run changes nothing and a
-- record changed here since it was imported is never overwritten.

CREATE TABLE imported_records (
    -- wordpress | disqus | ghost
    source TEXT NOT NULL,
    -- The site the export came from (its base URL, or Disqus' forum).
    site TEXT NOT NULL,
    -- What it is here: story | edition | comment | user | section | tag | media.
    entity TEXT NOT NULL,
    -- Its id in the export.
    external_id TEXT NOT NULL,
    local_id BIGINT NOT NULL,
    -- SHA-256 of what was imported, to tell a changed export from the same.
    content_hash TEXT NOT NULL,
    -- The record's revision here once imported (editions), else 0: a later
    -- revision means someone changed it here since.
    local_revision BIGINT NOT NULL,
    imported_at BIGINT NOT NULL,
    PRIMARY KEY (source, site, entity, external_id)
);

-- The old site's addresses of imported stories (`/2024/05/slug/`,
-- `/?p=12`); the site answers them with a permanent redirect.
CREATE TABLE legacy_paths (
    path TEXT PRIMARY KEY,
    edition_id BIGINT NOT NULL REFERENCES editions (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL
);
