-- Browsers that signed in to an account: found by the hash of their
-- cookie, they keep their own count of wrong passwords, so a stranger's
-- guesses from elsewhere (or from the same address) cannot lock them out.
CREATE TABLE known_devices (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL
);
CREATE INDEX known_devices_user ON known_devices (user_id);
