-- The media library: uploaded images, re-encoded without their metadata,
-- with narrower WebP variants, and alt text and a caption per language.

CREATE TABLE media (
    id {id},
    -- The file under the media folder, e.g. uploads/3f2a9c1b0d4e5f60.jpg.
    path TEXT NOT NULL,
    content_type TEXT NOT NULL,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    bytes BIGINT NOT NULL,
    -- JSON array of {"width", "path"} WebP variants, narrowest first.
    variants TEXT NOT NULL DEFAULT '[]',
    uploaded_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX media_newest ON media (created_at);
-- Pages find a hero image's variants by its path; the same file uploaded
-- twice is one entry.
CREATE UNIQUE INDEX media_path ON media (path);

CREATE TABLE media_texts (
    media_id BIGINT NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    alt TEXT NOT NULL,
    caption TEXT NOT NULL,
    PRIMARY KEY (media_id, lang)
);
