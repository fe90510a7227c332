-- Evidence a witness keeps of forks it refused: a checkpoint signed by the log's key whose root
-- contradicts what the witness cosigned at the same size, or which no consistency proof joins to
-- it. The signed checkpoint text is transferable proof that the log equivocated.
CREATE TABLE witness_forks (
    origin TEXT NOT NULL,
    size BIGINT NOT NULL,
    offered_root BYTEA NOT NULL,
    known_size BIGINT NOT NULL,
    known_root BYTEA NOT NULL,
    checkpoint TEXT NOT NULL,
    reason TEXT NOT NULL,
    seen_at BIGINT NOT NULL,
    PRIMARY KEY (origin, size, offered_root)
);
