-- The site's own pages (about, contact, privacy, terms, corrections), one
-- text per page and language, in Markdown like stories. `page` is one of
-- a fixed list, so their addresses (/en/about) never meet a slug.
CREATE TABLE static_pages (
    page TEXT NOT NULL,
    lang TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    PRIMARY KEY (page, lang)
);
