//! Each board's transparency-log identity: the checkpoint origin (`<host>/boards/<slug>`) and an
//! Ed25519 note-signing key, created with the board, sealed like its credential keys, and published
//! in its DID document as `#log` — a verification method under no relationship, so it can never
//! pass as a credential-signing key.

use ed25519_dalek::SigningKey;
use medcred_registry::merkle::Hash;
use medcred_registry::note::{KeyName, NoteSigner, VerifierKey};
use medcred_store::{BoardRow, LedgerLogRow};

use crate::did_web::{did_document, LogPublication};
use crate::error::IssuerError;
use crate::service::Issuer;

/// The fragment of the log key's verification method in the DID document.
pub const LOG_KEY_FRAGMENT: &str = "log";

/// The checkpoint origin of a board's log: the public URL without its scheme, then the board path.
pub fn log_origin(public_url: &str, slug: &str) -> String {
    let host = public_url.split_once("://").map_or(public_url, |(_, rest)| rest).trim_end_matches('/');
    format!("{host}/boards/{slug}")
}

pub(crate) fn seal_context(board_id: &str) -> String {
    format!("medcred/log-key/v1/{board_id}")
}

impl Issuer {
    /// A new, empty log for `board`, with a fresh sealed key.
    pub(crate) fn new_ledger_log(&self, board: &BoardRow, now: i64) -> Result<LedgerLogRow, IssuerError> {
        let origin = log_origin(self.public_url(), &board.slug);
        let name = KeyName::new(origin.clone())
            .map_err(|e| IssuerError::BadRequest { code: "bad_public_url", message: format!("log origin: {e}") })?;
        let key = SigningKey::generate(&mut rand::rngs::OsRng);
        let signer = NoteSigner::new(name, key.clone());
        Ok(LedgerLogRow {
            board_id: board.id.clone(),
            origin: origin.clone(),
            key_name: origin,
            public_key: signer.verifier_key().to_string(),
            secret_sealed: self.master().seal(key.as_bytes(), &seal_context(&board.id)),
            size: 0,
            root: Hash::empty_tree().as_bytes().to_vec(),
            updated_at: now,
        })
    }

    /// The board's log signer (unsealed for one use; never stored in the clear).
    pub fn log_signer(&self, log: &LedgerLogRow) -> Result<NoteSigner, IssuerError> {
        let secret = self.master().open(&log.secret_sealed, &seal_context(&log.board_id))?;
        let bytes: [u8; 32] = secret
            .as_slice()
            .try_into()
            .map_err(|_| IssuerError::Internal("sealed log key has the wrong length".into()))?;
        let name =
            KeyName::new(log.key_name.clone()).map_err(|e| IssuerError::Internal(format!("log key name: {e}")))?;
        Ok(NoteSigner::new(name, SigningKey::from_bytes(&bytes)))
    }
}

impl Issuer {
    /// The board's DID document as served: keys plus the log publication.
    pub async fn did_document_of(&self, board: &BoardRow) -> Result<serde_json::Value, IssuerError> {
        let keys = self.db().keys(&board.id).await?;
        let log = match self.db().ledger_log(&board.id).await {
            Ok(log) => Some(LogPublication {
                key: log_verifier_key(&log)?,
                endpoint: format!("{}/boards/{}/log", self.public_url(), board.slug),
            }),
            Err(medcred_store::StoreError::NotFound(_)) => None,
            Err(e) => return Err(e.into()),
        };
        Ok(did_document(&board.did, &keys, log.as_ref()))
    }
}

/// The published verifier key of a log row.
pub fn log_verifier_key(log: &LedgerLogRow) -> Result<VerifierKey, IssuerError> {
    log.public_key.parse().map_err(|e| IssuerError::Internal(format!("stored log key: {e}")))
}
