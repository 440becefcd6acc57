-- Translation status: for each edition, the revision of each sibling it
-- was last brought in line with. An edition is behind a sibling exactly
-- when that sibling's revision is newer. A new edition is in line with
-- its siblings as they stand; an editor marks it so again after updating.
CREATE TABLE edition_sync (
    edition_id BIGINT NOT NULL REFERENCES editions (id) ON DELETE CASCADE,
    sibling_id BIGINT NOT NULL REFERENCES editions (id) ON DELETE CASCADE,
    sibling_revision BIGINT NOT NULL,
    PRIMARY KEY (edition_id, sibling_id)
);
CREATE INDEX edition_sync_sibling ON edition_sync (sibling_id);

-- Existing editions keep the status the old rule gave them: in line with
-- the sibling's last revision saved before their own last save.
INSERT INTO edition_sync (edition_id, sibling_id, sibling_revision)
SELECT e.id, s.id, COALESCE((
    SELECT MAX(r.revision) FROM revisions r
    WHERE r.edition_id = s.id
      AND r.saved_at <= (SELECT MAX(m.saved_at) FROM revisions m WHERE m.edition_id = e.id)
), 1)
FROM editions e
JOIN editions s ON s.story_id = e.story_id AND s.id <> e.id;
