-- The site settings an admin changes from the browser, as one JSON
-- document laid over the configuration file's. One row (id 1).

CREATE TABLE site_settings (
    id BIGINT PRIMARY KEY,
    document TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by BIGINT REFERENCES users (id) ON DELETE SET NULL
);
