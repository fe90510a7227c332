//! Collecting witness cosignatures (C2SP tlog-witness, the log's side). After a batch commits, the
//! registry sends the new checkpoint to each configured witness with a consistency proof from the
//! size that witness last cosigned (learnt from its 409 `text/x.tlog.size` answer when unknown),
//! then stores the checkpoint with every cosignature it got. A witness that is down or refuses only
//! means fewer cosignatures; verifiers decide with their k-of-n policy.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use medcred_registry::merkle::Hash;
use medcred_registry::note::{Note, NoteSignature, VerifierKey};
use medcred_registry::witness::{parse_cosignatures, parse_size_body, AddCheckpointRequest, SIZE_CONTENT_TYPE};
use medcred_store::BoardRow;

use crate::error::RegistryError;
use crate::ledger::consistency_proof;
use medcred_issuer::Issuer;

/// A witness this registry asks to cosign: its base URL (`…/witness`) and cosignature key.
#[derive(Debug, Clone)]
pub struct WitnessPeer {
    /// Base URL; requests go to `{url}/add-checkpoint`.
    pub url: String,
    /// Its cosignature (type 0x04) verifier key.
    pub key: VerifierKey,
}

/// How long one witness may take.
const WITNESS_TIMEOUT: Duration = Duration::from_secs(5);

/// Sizes each witness last cosigned, per (board, witness url).
#[derive(Default)]
pub struct KnownSizes(Mutex<HashMap<(String, String), u64>>);

impl KnownSizes {
    fn get(&self, board: &str, url: &str) -> u64 {
        self.0.lock().ok().and_then(|m| m.get(&(board.to_owned(), url.to_owned())).copied()).unwrap_or(0)
    }
    fn set(&self, board: &str, url: &str, size: u64) {
        if let Ok(mut m) = self.0.lock() {
            m.insert((board.to_owned(), url.to_owned()), size);
        }
    }
}

enum Answer {
    Cosigned(Vec<NoteSignature>),
    KnownSize(u64),
}

async fn ask(http: &reqwest::Client, peer: &WitnessPeer, req: &AddCheckpointRequest) -> Result<Answer, String> {
    let resp = http
        .post(format!("{}/add-checkpoint", peer.url.trim_end_matches('/')))
        .timeout(WITNESS_TIMEOUT)
        .body(req.to_bytes())
        .send()
        .await
        .map_err(|e| format!("unreachable: {e}"))?;
    let status = resp.status();
    let is_size = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(SIZE_CONTENT_TYPE));
    let body = resp.bytes().await.map_err(|e| format!("reading answer: {e}"))?;
    match status.as_u16() {
        200 => parse_cosignatures(&body).map(Answer::Cosigned).map_err(|e| format!("bad cosignature: {e}")),
        409 if is_size => parse_size_body(&body).map(Answer::KnownSize).map_err(|e| format!("bad size answer: {e}")),
        code => Err(format!("refused with {code}: {}", String::from_utf8_lossy(&body).trim())),
    }
}

/// Ask every peer to cosign `board`'s latest checkpoint and store what came back.
pub async fn collect(
    issuer: &Issuer,
    http: &reqwest::Client,
    peers: &[WitnessPeer],
    known: &KnownSizes,
    board: &BoardRow,
) -> Result<usize, RegistryError> {
    let db = issuer.db();
    let Some(cp) = db.latest_checkpoint(&board.id).await? else { return Ok(0) };
    let size = cp.size as u64;
    let note = Note::parse(cp.note.as_bytes()).map_err(|e| RegistryError::Internal(e.to_string()))?;
    let mut cosigned = note.clone();
    let mut count = 0;
    for peer in peers {
        let mut old = known.get(&board.id, &peer.url).min(size);
        for _ in 0..2 {
            let proof: Vec<Hash> = consistency_proof(db, &board.id, old, size).await?;
            let req =
                AddCheckpointRequest::new(old, proof, &note).map_err(|e| RegistryError::Internal(e.to_string()))?;
            match ask(http, peer, &req).await {
                Ok(Answer::Cosigned(sigs)) => {
                    for sig in sigs.into_iter().filter(|s| s.name == *peer.key.name() && s.key_id == peer.key.key_id())
                    {
                        cosigned.push_signature(sig);
                        count += 1;
                    }
                    known.set(&board.id, &peer.url, size);
                    break;
                }
                Ok(Answer::KnownSize(s)) if s <= size && s != old => old = s,
                Ok(Answer::KnownSize(s)) => {
                    tracing::warn!(witness = %peer.url, known = s, size, board = %board.slug, "witness is ahead of this log: possible fork");
                    break;
                }
                Err(why) => {
                    tracing::warn!(witness = %peer.url, board = %board.slug, %why, "no cosignature");
                    break;
                }
            }
        }
    }
    if count > 0 {
        let text = String::from_utf8(cosigned.to_bytes()).map_err(|e| RegistryError::Internal(e.to_string()))?;
        db.set_cosigned(&board.id, cp.size, &text, count as i64).await?;
    }
    Ok(count)
}
