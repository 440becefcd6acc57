-- Each language's front page as editors arrange it: the stories they
-- picked, in order (position 0 is the lead), each kept until an optional
-- time; past it the pick no longer shows and the automatic order fills
-- its place, with no write needed.
CREATE TABLE front_picks (
    lang TEXT NOT NULL,
    position BIGINT NOT NULL,
    edition_id BIGINT NOT NULL REFERENCES editions (id) ON DELETE CASCADE,
    pinned_until BIGINT,
    PRIMARY KEY (lang, position)
);

-- A breaking-news banner per language, shown until it expires; it may
-- link to a story's edition in that language.
CREATE TABLE front_breaking (
    lang TEXT PRIMARY KEY,
    text TEXT NOT NULL,
    edition_id BIGINT REFERENCES editions (id) ON DELETE SET NULL,
    expires_at BIGINT NOT NULL
);

-- Article pages served, per edition and day (days since 1970 in UTC):
-- each node counts in memory and adds its counts here now and then, so a
-- read costs no write. "Most read" sums the last days.
CREATE TABLE edition_reads (
    edition_id BIGINT NOT NULL REFERENCES editions (id) ON DELETE CASCADE,
    day BIGINT NOT NULL,
    reads BIGINT NOT NULL,
    PRIMARY KEY (edition_id, day)
);
CREATE INDEX edition_reads_day ON edition_reads (day);
