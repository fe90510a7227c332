//! Status list slots. Every credential gets one slot — a list number and an index, picked at random
//! among the free ones (herd privacy: index order says nothing about issuance order) — used in the
//! board's revocation list, its suspension list, and the token status list view of both. A new list
//! opens when the last one fills. Allocation commits before signing; a slot whose signing then
//! fails stays unused, which costs one entry and reveals nothing.

use medcred_registry::status::{
    AllocationMap, StatusEntry, StatusListReference, StatusListUrl, StatusPurpose, MIN_ENTRIES,
};
use medcred_store::{BoardRow, StatusListRow};
use serde_json::Value;

use crate::error::IssuerError;
use crate::service::Issuer;

/// One credential's place in its board's status lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    /// List number within the board.
    pub list: i64,
    /// Index in that list.
    pub index: u64,
}

/// Where a board's lists are published.
#[derive(Debug, Clone)]
pub struct ListUrls {
    base: String,
}

impl ListUrls {
    /// Lists of `slug` under the deployment's public URL.
    pub fn new(public_url: &str, slug: &str) -> ListUrls {
        ListUrls { base: format!("{}/boards/{slug}/status", public_url.trim_end_matches('/')) }
    }

    /// The W3C status list credential of `list` for `purpose`.
    pub fn bitstring(&self, list: i64, purpose: StatusPurpose) -> String {
        format!("{}/{list}/{}", self.base, purpose.as_str())
    }

    /// The IETF Token Status List (`statuslist+jwt`) of `list`.
    pub fn token(&self, list: i64) -> String {
        format!("{}/{list}/token", self.base)
    }
}

impl Slot {
    /// `credentialStatus` for the W3C formats: a revocation and a suspension entry.
    pub fn credential_status(&self, urls: &ListUrls) -> Result<Value, IssuerError> {
        let entries = StatusPurpose::ALL
            .iter()
            .map(|&purpose| {
                let list_url = StatusListUrl::new(&urls.bitstring(self.list, purpose))
                    .map_err(|e| IssuerError::Internal(format!("status list URL: {e}")))?;
                Ok(StatusEntry { purpose, list_url, index: self.index }.to_json())
            })
            .collect::<Result<Vec<_>, IssuerError>>()?;
        Ok(Value::Array(entries))
    }

    /// The SD-JWT VC `status` claim: `{"status_list": {"idx": …, "uri": …}}`.
    pub fn token_status(&self, urls: &ListUrls) -> Result<Value, IssuerError> {
        let uri = StatusListUrl::new(&urls.token(self.list))
            .map_err(|e| IssuerError::Internal(format!("status list URL: {e}")))?;
        Ok(StatusListReference { idx: self.index, uri }.to_status_claim())
    }
}

fn new_list(board_id: &str, list_no: i64, now: i64) -> StatusListRow {
    let bytes = (MIN_ENTRIES / 8) as usize;
    StatusListRow {
        board_id: board_id.to_owned(),
        list_no,
        entries: MIN_ENTRIES as i64,
        used: 0,
        allocated: vec![0; bytes],
        revocation: vec![0; bytes],
        suspension: vec![0; bytes],
        version: 0,
        updated_at: now,
    }
}

impl Issuer {
    /// Take `n` free slots of `board` in one committed transaction.
    pub async fn allocate_slots(&self, board: &BoardRow, n: usize) -> Result<Vec<Slot>, IssuerError> {
        let now = self.clock().now().timestamp();
        let mut rng = rand::rngs::OsRng;
        let mut slots = Vec::with_capacity(n);
        let mut tx = self.db().begin().await?;
        tx.lock_board(&board.id).await?;
        let mut current = match tx.last_status_list(&board.id).await? {
            Some(l) => l,
            None => {
                let l = new_list(&board.id, 0, now);
                tx.insert_status_list(&l).await?;
                l
            }
        };
        let corrupt =
            |e: medcred_registry::status::AllocationMapError| IssuerError::Internal(format!("allocation map: {e}"));
        let mut map = AllocationMap::from_bytes(current.entries as u64, current.allocated.clone()).map_err(corrupt)?;
        while slots.len() < n {
            match map.allocate(&mut rng) {
                Some(index) => slots.push(Slot { list: current.list_no, index }),
                None => {
                    current.allocated = map.as_bytes().to_vec();
                    current.used = map.used() as i64;
                    tx.update_allocation(&current).await?;
                    current = new_list(&board.id, current.list_no + 1, now);
                    tx.insert_status_list(&current).await?;
                    map = AllocationMap::new(current.entries as u64).map_err(corrupt)?;
                }
            }
        }
        current.allocated = map.as_bytes().to_vec();
        current.used = map.used() as i64;
        tx.update_allocation(&current).await?;
        tx.commit().await?;
        Ok(slots)
    }

    /// Where `board`'s lists are published.
    pub fn list_urls(&self, board: &BoardRow) -> ListUrls {
        ListUrls::new(self.public_url(), &board.slug)
    }
}
