-- The site's icon an admin uploaded: the stem of its derived files in the
-- media folder (icons/{stem}-32.png, -180.png, -192.png, -512.png and
-- {stem}.ico), named by the source image's hash. NULL: the theme's icons.
ALTER TABLE site_settings ADD COLUMN icon TEXT;
