//! A board's ledger in the database: appending a batch of leaves inside the caller's transaction
//! (leaves, newly completed subtree hashes, head, signed checkpoint), and reading proofs back.
//!
//! Appending needs only the current frontier — the complete subtrees of the tree as it stands
//! (one per set bit of its size) — to compute every subtree the new leaves complete, so a batch
//! reads O(log n) rows whatever the log's size.

use std::collections::BTreeMap;

use medcred_issuer::Issuer;
use medcred_registry::checkpoint::Checkpoint;
use medcred_registry::merkle::{completed_by_append, root, root_nodes, Hash, NodeId, Plan};
use medcred_store::{CheckpointRow, Db, LedgerLogRow, Tx};

use crate::error::RegistryError;

/// A batch appended and checkpointed.
#[derive(Debug, Clone)]
pub struct Appended {
    /// Index of the batch's first leaf.
    pub first_index: u64,
    /// Tree size after the batch.
    pub size: u64,
    /// Root hash after the batch.
    pub root: Hash,
    /// The checkpoint note signed by the log key.
    pub note: String,
}

fn corrupt(what: &str) -> RegistryError {
    RegistryError::Internal(format!("ledger storage: {what}"))
}

fn hash_of(bytes: &[u8]) -> Result<Hash, RegistryError> {
    let arr: [u8; 32] = bytes.try_into().map_err(|_| corrupt("a stored hash is not 32 bytes"))?;
    Ok(Hash(arr))
}

fn to_map(rows: Vec<medcred_store::NodeRow>) -> Result<BTreeMap<NodeId, Hash>, RegistryError> {
    rows.into_iter().map(|((level, index), h)| Ok((NodeId { level, index }, hash_of(&h)?))).collect()
}

fn ids(nodes: impl IntoIterator<Item = NodeId>) -> Vec<(u8, u64)> {
    nodes.into_iter().map(|n| (n.level, n.index)).collect()
}

/// Append `leaves` to `log` in `tx` (which holds the board lock), sign the new checkpoint with the
/// board's log key and store it. Nothing is visible until the caller commits.
pub async fn append(
    tx: &mut Tx,
    issuer: &Issuer,
    log: &LedgerLogRow,
    leaves: &[Vec<u8>],
    now: i64,
) -> Result<Appended, RegistryError> {
    let old = u64::try_from(log.size).map_err(|_| corrupt("negative size"))?;
    let frontier = root_nodes(old);
    let mut nodes = to_map(tx.ledger_nodes_tx(&log.board_id, &ids(frontier.iter().copied())).await?)?;
    if nodes.len() != frontier.len() {
        return Err(corrupt("frontier subtree missing"));
    }
    let mut new_nodes = Vec::new();
    for (i, data) in leaves.iter().enumerate() {
        let index = old + i as u64;
        for node in completed_by_append(index) {
            let hash = match node.children() {
                None => Hash::leaf(data),
                Some((l, r)) => {
                    let (Some(l), Some(r)) = (nodes.get(&l), nodes.get(&r)) else {
                        return Err(corrupt("child subtree missing"));
                    };
                    Hash::node(l, r)
                }
            };
            nodes.insert(node, hash);
            new_nodes.push(((node.level, node.index), hash.0));
        }
    }
    let size = old + leaves.len() as u64;
    let root = root(&nodes, size).map_err(|e| corrupt(&e.to_string()))?;
    let checkpoint = Checkpoint::new(&log.origin, size, root).map_err(|e| corrupt(&e.to_string()))?;
    let signer = issuer.log_signer(log)?;
    let note = checkpoint.sign(&signer).map_err(|e| corrupt(&e.to_string()))?;
    let note = String::from_utf8(note.to_bytes()).map_err(|_| corrupt("note is not UTF-8"))?;

    tx.insert_ledger_leaves(&log.board_id, old, leaves).await?;
    tx.insert_ledger_nodes(&log.board_id, &new_nodes).await?;
    tx.update_ledger_head(&log.board_id, size, root.as_bytes(), now).await?;
    tx.insert_checkpoint(&CheckpointRow {
        board_id: log.board_id.clone(),
        size: size as i64,
        root: root.as_bytes().to_vec(),
        note: note.clone(),
        cosigned: None,
        cosignatures: 0,
        created_at: now,
        anchor: None,
    })
    .await?;
    Ok(Appended { first_index: old, size, root, note })
}

async fn resolve(db: &Db, board_id: &str, plan: &Plan) -> Result<Vec<Hash>, RegistryError> {
    let nodes = to_map(db.ledger_nodes(board_id, &ids(plan.nodes())).await?)?;
    plan.resolve(&nodes).map_err(|e| corrupt(&e.to_string()))
}

/// RFC 9162 §2.1.3 inclusion path of leaf `index` in the tree of `size` leaves.
pub async fn inclusion_proof(db: &Db, board_id: &str, index: u64, size: u64) -> Result<Vec<Hash>, RegistryError> {
    let plan = Plan::inclusion(index, size).map_err(|e| RegistryError::bad_request("out_of_range", e.to_string()))?;
    resolve(db, board_id, &plan).await
}

/// RFC 9162 §2.1.4 consistency proof from `old` to `new` leaves.
pub async fn consistency_proof(db: &Db, board_id: &str, old: u64, new: u64) -> Result<Vec<Hash>, RegistryError> {
    let plan = Plan::consistency(old, new).map_err(|e| RegistryError::bad_request("out_of_range", e.to_string()))?;
    resolve(db, board_id, &plan).await
}

/// The log's current size (checked against a request before proving).
pub async fn size_of(db: &Db, board_id: &str) -> Result<u64, RegistryError> {
    let log = db.ledger_log(board_id).await?;
    u64::try_from(log.size).map_err(|_| corrupt("negative size"))
}
