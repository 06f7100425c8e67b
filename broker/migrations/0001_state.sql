-- The broker's state: instances, bindings, the operation in flight on each instance, the
-- outcome of the last operation on each instance and binding, and what was deleted.
-- Portable SQL: the same migration runs on SQLite and PostgreSQL. JSON is kept as TEXT
-- (the core's serde forms); times are Unix milliseconds.

CREATE TABLE instances (
    id TEXT PRIMARY KEY,
    -- The normalised provision parameters, the OSBAPI context, the desired AWS state and
    -- the ledger of what exists in AWS.
    params TEXT NOT NULL,
    context TEXT NOT NULL,
    state TEXT NOT NULL,
    ledger TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE bindings (
    instance_id TEXT NOT NULL,
    id TEXT NOT NULL,
    params TEXT NOT NULL,
    state TEXT NOT NULL,
    ledger TEXT NOT NULL,
    -- The one secret the broker keeps: OSBAPI's fetch of a binding and an identical
    -- repeated bind return the credentials, and the SMTP password derives from it.
    access_key_id TEXT NOT NULL,
    secret_access_key TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (instance_id, id)
);

-- At most one operation per instance (its own, or one of its bindings'): the primary key
-- is the lock every broker process sharing the database respects.
CREATE TABLE operations (
    instance_id TEXT PRIMARY KEY,
    -- '' for an operation on the instance itself.
    binding_id TEXT NOT NULL,
    id TEXT NOT NULL,
    kind TEXT NOT NULL,
    -- What finishing the operation needs (parameters, context), JSON.
    request TEXT NOT NULL,
    -- The core's progress, saved before every AWS call and after every answer; NULL
    -- before the first.
    progress TEXT,
    -- The process running it and when it last said so: another process takes over an
    -- operation whose heartbeat is older than the lease.
    owner TEXT NOT NULL,
    heartbeat BIGINT NOT NULL,
    started_at BIGINT NOT NULL
);

CREATE TABLE last_operations (
    instance_id TEXT NOT NULL,
    binding_id TEXT NOT NULL,
    id TEXT NOT NULL,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    description TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (instance_id, binding_id)
);

CREATE TABLE deleted (
    instance_id TEXT NOT NULL,
    binding_id TEXT NOT NULL,
    deleted_at BIGINT NOT NULL,
    PRIMARY KEY (instance_id, binding_id)
);
