-- Accounts: email verification, deletion, each reader's language, server-side
-- sessions, personal access tokens and the rate-limit counters shared by
-- every node.

ALTER TABLE users ADD COLUMN email_verified_at BIGINT;
ALTER TABLE users ADD COLUMN deleted_at BIGINT;
ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT 'ar';

-- A session is found by the hash of its cookie; the cookie itself is never
-- stored. csrf_token is the token this session's forms must send back.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    user_agent TEXT NOT NULL,
    ip TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Fixed-window counters with a block time, keyed like "signin:ip:1.2.3.4".
CREATE TABLE rate_limits (
    bucket TEXT PRIMARY KEY,
    hits BIGINT NOT NULL,
    window_start BIGINT NOT NULL,
    blocked_until BIGINT NOT NULL
);

-- Personal access tokens for the JSON API, found by the hash of the token.
-- scopes is a space-separated subset of: read comment moderate edit admin.
CREATE TABLE access_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT
);
CREATE INDEX access_tokens_user ON access_tokens (user_id);
