-- Evidence a witness keeps of forks it refused: a checkpoint signed by the log's key whose root
-- contradicts what the witness cosigned at the same size, or which no consistency proof joins to
-- it. The signed checkpoint text is transferable proof that the log equivocated.
CREATE TABLE witness_forks (
    origin TEXT NOT NULL,
    size INTEGER NOT NULL,
    offered_root BLOB NOT NULL,
    known_size INTEGER NOT NULL,
    known_root BLOB NOT NULL,
    checkpoint TEXT NOT NULL,
    reason TEXT NOT NULL,
    seen_at INTEGER NOT NULL,
    PRIMARY KEY (origin, size, offered_root)
);
