-- Pauses of sending (reputation protection): one row per pause, the open one (resumed_at
-- NULL) at most one per instance. `applied_at` is set once SES has sending off; until
-- then any broker process retries the pause operation.

CREATE TABLE pauses (
    instance_id TEXT NOT NULL,
    paused_at BIGINT NOT NULL,
    configuration_set TEXT NOT NULL,
    alarm TEXT NOT NULL,
    reason TEXT NOT NULL,
    message_id TEXT NOT NULL,
    topic_arn TEXT NOT NULL,
    applied_at BIGINT,
    attempted_at BIGINT,
    last_error TEXT,
    resumed_at BIGINT,
    resumed_by TEXT,
    resume_reason TEXT,
    PRIMARY KEY (instance_id, paused_at)
);

-- At most one open pause per instance, across every process sharing the database.
CREATE UNIQUE INDEX pauses_open ON pauses (instance_id) WHERE resumed_at IS NULL;
