-- Leases: which process runs a role that must run once (a board's sequencer: witness cosigning;
-- the deployment's anchoring account; hospital monitoring) when several `medcred serve` processes
-- share one database. A holder renews its lease before it expires; anyone may take an expired one
-- over with a compare-and-set UPDATE. Times are milliseconds of the database's own clock, so the
-- processes' clocks never have to agree. `term` grows by one at each change of holder.
-- Keep in step with ../sqlite/0008_leases.sql.
CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    term BIGINT NOT NULL,
    acquired_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL
);
