-- Every write to an instance or one of its bindings bumps its version. A request reads the
-- instance, then takes it (`operations`) only if the version it read is still the stored
-- one: an operation that finished in between (an update, a deprovision, a bind) sends the
-- request back to read again instead of acting on what it saw before.
ALTER TABLE instances ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
