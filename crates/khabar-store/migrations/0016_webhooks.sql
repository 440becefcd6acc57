-- Webhooks (docs/webhooks.md): endpoints admins register, and the
-- deliveries of events to them, kept a week with their last answer.

CREATE TABLE webhook_endpoints (
    id {id},
    url TEXT NOT NULL,
    description TEXT NOT NULL,
    -- The event types it is sent, as a JSON list of names.
    event_types TEXT NOT NULL,
    -- `whsec_<base64>`; after a rotation the previous secret still signs
    -- (a second signature) until previous_secret_until.
    secret TEXT NOT NULL,
    previous_secret TEXT,
    previous_secret_until BIGINT,
    -- NULL: enabled; else why not (`admin`, `failing`) and since when.
    disabled_reason TEXT,
    disabled_at BIGINT,
    -- Its cursor in the events log: events up to start_seq came before
    -- it; delivered_seq is the newest event it acknowledged.
    start_seq BIGINT NOT NULL,
    delivered_seq BIGINT NOT NULL DEFAULT 0,
    created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE webhook_deliveries (
    id {id},
    endpoint_id BIGINT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
    event_seq BIGINT NOT NULL,
    event_type TEXT NOT NULL,
    -- The `webhook-id` header: the same for a replay of this message.
    message_id TEXT NOT NULL,
    -- The JSON body, signed as it is stored.
    payload TEXT NOT NULL,
    -- 1 for a replay an admin asked for.
    replay BIGINT NOT NULL DEFAULT 0,
    -- `pending`, `delivered` or `failed` (retries ran out).
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_attempt_at BIGINT,
    -- The last answer: HTTP status and the first few KB of its body, or
    -- why there was none.
    last_status BIGINT,
    last_body TEXT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    delivered_at BIGINT
);
-- Each event once per endpoint, however often the fan-out runs.
CREATE UNIQUE INDEX webhook_deliveries_once ON webhook_deliveries (endpoint_id, event_seq, event_type) WHERE replay = 0;
-- An endpoint's queue, oldest first.
CREATE INDEX webhook_deliveries_queue ON webhook_deliveries (endpoint_id, status, id);
CREATE INDEX webhook_deliveries_created ON webhook_deliveries (created_at);

-- Whether the moderation queues were above the webhook threshold when
-- last counted: the threshold event is sent on crossing upward only.
CREATE TABLE webhook_alarms (
    name TEXT PRIMARY KEY,
    raised BIGINT NOT NULL
);
