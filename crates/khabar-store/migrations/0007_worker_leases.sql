-- Work that one node of several must do alone, in order (cache purges):
-- the node holding the lease does it and moves the shared cursor; when it
-- stops renewing, another takes over from where it left off.

CREATE TABLE worker_leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    lease_until BIGINT NOT NULL,
    -- The last events-log sequence number the work has done.
    done_seq BIGINT NOT NULL
);
