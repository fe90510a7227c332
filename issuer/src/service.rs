//! The issuer service: the state every issuer operation shares (database, master key, clock,
//! public URL), and board administration — create a board, rotate its keys, mint API tokens.

use std::sync::Arc;

use ed25519_dalek::SigningKey;
use medcred_formats::IssuerKey;
use medcred_store::{BoardRow, Db, KeyRow, KeyStatus, Role, TokenRow};
use zeroize::Zeroizing;

use crate::clock::Clock;
use crate::did_web::{board_did, did_web_host, multikey};
use crate::error::IssuerError;
use crate::keystore::MasterKey;
use crate::tokens;

/// Shared issuer state. Cheap to clone.
#[derive(Clone)]
pub struct Issuer {
    inner: Arc<Inner>,
}

struct Inner {
    db: Db,
    master: MasterKey,
    clock: Arc<dyn Clock>,
    public_url: String,
}

/// A board just created, with the one-time admin token.
pub struct CreatedBoard {
    /// The board.
    pub board: BoardRow,
    /// An admin API token for it (shown once; only its hash is stored).
    pub admin_token: Zeroizing<String>,
}

/// How a new board is named and identified.
#[derive(Debug, Clone)]
pub struct NewBoard {
    /// URL-safe short name: 2–40 of `a-z`, `0-9`, `-`.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Use `did:key` instead of `did:web` (tests and demos without a reachable host).
    pub did_key: bool,
    /// Use the host's own DID (`did:web:<host>`, served at `/.well-known/did.json`).
    pub host_did: bool,
}

fn key_context(board_id: &str, key_id: &str) -> String {
    format!("medcred/board-key/v1/{board_id}#{key_id}")
}

fn check_slug(slug: &str) -> Result<(), IssuerError> {
    let ok = (2..=40).contains(&slug.len())
        && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(IssuerError::BadRequest {
            code: "malformed_slug",
            message: "slug must be 2-40 of a-z, 0-9 and '-', not starting or ending with '-'".into(),
        })
    }
}

impl Issuer {
    /// A service over `db`, sealing keys with `master`, naming boards under `public_url`.
    pub fn new(db: Db, master: MasterKey, clock: Arc<dyn Clock>, public_url: impl Into<String>) -> Self {
        let public_url = public_url.into().trim_end_matches('/').to_owned();
        Issuer { inner: Arc::new(Inner { db, master, clock, public_url }) }
    }

    /// The database.
    pub fn db(&self) -> &Db {
        &self.inner.db
    }

    /// The clock.
    pub fn clock(&self) -> &dyn Clock {
        self.inner.clock.as_ref()
    }

    /// The public base URL.
    pub fn public_url(&self) -> &str {
        &self.inner.public_url
    }

    /// The master key (for the services that seal their own keys, such as hospitals').
    pub fn master(&self) -> &MasterKey {
        &self.inner.master
    }

    /// Check that the database's sealed keys were sealed under the loaded master key, and record
    /// the key id on first use. Refuses to start with the wrong master key.
    pub async fn check_master_key(&self) -> Result<(), IssuerError> {
        let id = self.inner.master.id();
        match self.db().setting("master_key_id").await? {
            Some(stored) if stored == id => Ok(()),
            Some(stored) => Err(IssuerError::Keystore(crate::keystore::KeystoreError::WrongMasterKey {
                sealed: stored,
                loaded: id,
            })),
            // A read-only database (a replica) with nothing sealed yet: nothing to compare, and
            // the primary records the id when it first runs.
            None if self.db().read_only() => Ok(()),
            None => {
                let mut tx = self.db().begin().await?;
                tx.put_setting("master_key_id", &id).await?;
                tx.commit().await?;
                Ok(())
            }
        }
    }

    /// Create a board with one active Ed25519 key and an admin token, in one transaction.
    pub async fn create_board(&self, new: &NewBoard) -> Result<CreatedBoard, IssuerError> {
        check_slug(&new.slug)?;
        let name = new.name.trim();
        if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
            return Err(IssuerError::BadRequest {
                code: "malformed_name",
                message: "board name must be 1-200 printable characters".into(),
            });
        }
        let now = self.clock().now().timestamp();
        let id = uuid::Uuid::new_v4().to_string();
        let signing = SigningKey::generate(&mut rand::rngs::OsRng);
        let (did, key_id) = if new.did_key {
            let mb = multikey(&signing.verifying_key());
            (format!("did:key:{mb}"), mb)
        } else if new.host_did {
            let host = did_web_host(self.public_url())
                .map_err(|e| IssuerError::BadRequest { code: "bad_public_url", message: e.to_string() })?;
            (format!("did:web:{host}"), "key-1".to_owned())
        } else {
            let did = board_did(self.public_url(), &new.slug)
                .map_err(|e| IssuerError::BadRequest { code: "bad_public_url", message: e.to_string() })?;
            (did, "key-1".to_owned())
        };
        let board = BoardRow { id: id.clone(), slug: new.slug.clone(), name: name.to_owned(), did, created_at: now };
        let key = KeyRow {
            board_id: id.clone(),
            key_id: key_id.clone(),
            public_multibase: multikey(&signing.verifying_key()),
            secret_sealed: self.master().seal(signing.as_bytes(), &key_context(&id, &key_id)),
            status: KeyStatus::Active,
            created_at: now,
            retired_at: None,
        };
        let admin_token = tokens::generate();
        let token = TokenRow {
            id: uuid::Uuid::new_v4().to_string(),
            board_id: id,
            role: Role::Admin,
            token_hash: tokens::hash(&admin_token),
            label: "created with the board".into(),
            created_at: now,
            revoked_at: None,
        };
        let log = self.new_ledger_log(&board, now)?;
        let mut tx = self.db().begin().await?;
        tx.insert_board(&board).await?;
        tx.insert_key(&key).await?;
        tx.insert_token(&token).await?;
        tx.insert_ledger_log(&log).await?;
        tx.commit().await?;
        Ok(CreatedBoard { board, admin_token })
    }

    /// Mint an API token for the board (shown once).
    pub async fn create_token(
        &self,
        board: &BoardRow,
        role: Role,
        label: &str,
    ) -> Result<(TokenRow, Zeroizing<String>), IssuerError> {
        let label = label.trim();
        if label.chars().count() > 100 || label.chars().any(char::is_control) {
            return Err(IssuerError::BadRequest {
                code: "malformed_label",
                message: "label must be at most 100 printable characters".into(),
            });
        }
        let secret = tokens::generate();
        let row = TokenRow {
            id: uuid::Uuid::new_v4().to_string(),
            board_id: board.id.clone(),
            role,
            token_hash: tokens::hash(&secret),
            label: label.to_owned(),
            created_at: self.clock().now().timestamp(),
            revoked_at: None,
        };
        let mut tx = self.db().begin().await?;
        tx.insert_token(&row).await?;
        tx.commit().await?;
        Ok((row, secret))
    }

    /// The live token presented as a bearer secret.
    pub async fn authenticate(&self, bearer: &str) -> Result<TokenRow, IssuerError> {
        self.db().token_by_hash(&tokens::hash(bearer)).await.map_err(|e| match e {
            medcred_store::StoreError::NotFound(_) => IssuerError::Unauthenticated,
            other => other.into(),
        })
    }

    /// Rotate: add a new active key and retire the current one (it stays in the DID document, so
    /// credentials it signed keep verifying). did:key boards cannot rotate: their DID is the key.
    pub async fn rotate_key(&self, board: &BoardRow) -> Result<KeyRow, IssuerError> {
        if board.did.starts_with("did:key:") {
            return Err(IssuerError::BadRequest {
                code: "cannot_rotate_did_key",
                message: "a did:key board's DID is its key; create a new board instead".into(),
            });
        }
        let now = self.clock().now().timestamp();
        let mut tx = self.db().begin().await?;
        let keys = tx.keys_for_update(&board.id).await?;
        let row = self.rotate_in(&mut tx, board, &keys, now).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Rotation inside `tx`: retire the active keys among `keys` and insert the next `key-N`,
    /// active. The new key's row.
    pub(crate) async fn rotate_in(
        &self,
        tx: &mut medcred_store::Tx,
        board: &BoardRow,
        keys: &[KeyRow],
        now: i64,
    ) -> Result<KeyRow, IssuerError> {
        let next = keys
            .iter()
            .filter_map(|k| k.key_id.strip_prefix("key-").and_then(|n| n.parse::<u32>().ok()))
            .max()
            .unwrap_or(0)
            + 1;
        for k in keys.iter().filter(|k| k.status == KeyStatus::Active) {
            tx.set_key_status(&board.id, &k.key_id, KeyStatus::Retired, now).await?;
        }
        let signing = SigningKey::generate(&mut rand::rngs::OsRng);
        let key_id = format!("key-{next}");
        let row = KeyRow {
            board_id: board.id.clone(),
            key_id: key_id.clone(),
            public_multibase: multikey(&signing.verifying_key()),
            secret_sealed: self.master().seal(signing.as_bytes(), &key_context(&board.id, &key_id)),
            status: KeyStatus::Active,
            created_at: now,
            retired_at: None,
        };
        tx.insert_key(&row).await?;
        Ok(row)
    }

    /// Take a retired key out of the DID document: what it signed stops verifying. The active key
    /// cannot be removed (rotate first).
    pub async fn remove_key(&self, board: &BoardRow, key_id: &str) -> Result<(), IssuerError> {
        let now = self.clock().now().timestamp();
        let mut tx = self.db().begin().await?;
        let keys = tx.keys_for_update(&board.id).await?;
        let key = keys.iter().find(|k| k.key_id == key_id).ok_or(IssuerError::NotFound("key"))?;
        if key.status == KeyStatus::Active {
            return Err(IssuerError::BadRequest {
                code: "key_active",
                message: "the active key cannot be removed; rotate first".into(),
            });
        }
        tx.set_key_status(&board.id, key_id, KeyStatus::Removed, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The board's active signing key, unsealed.
    pub async fn signing_key(&self, board: &BoardRow) -> Result<IssuerKey, IssuerError> {
        let keys = self.db().keys(&board.id).await?;
        let row = keys.iter().rev().find(|k| k.status == KeyStatus::Active).ok_or(IssuerError::NoActiveKey)?;
        let secret = self.master().open(&row.secret_sealed, &key_context(&board.id, &row.key_id))?;
        let bytes: Zeroizing<[u8; 32]> =
            Zeroizing::new(secret.as_slice().try_into().map_err(|_| crate::keystore::KeystoreError::Corrupt)?);
        let signing = SigningKey::from_bytes(&bytes);
        Ok(IssuerKey::new(signing, format!("{}#{}", board.did, row.key_id)))
    }

    /// Re-seal every board key, log key and hospital key under `new` (master key rotation), in
    /// one transaction, and record the new key id. The caller then replaces the key file or environment value.
    pub async fn reseal_all(&self, new: &MasterKey) -> Result<usize, IssuerError> {
        let mut tx = self.db().begin().await?;
        let keys = tx.all_keys().await?;
        for k in &keys {
            let ctx = key_context(&k.board_id, &k.key_id);
            let secret = self.master().open(&k.secret_sealed, &ctx)?;
            tx.reseal_key(&k.board_id, &k.key_id, &new.seal(&secret, &ctx)).await?;
        }
        let logs = tx.all_ledger_logs().await?;
        for l in &logs {
            let ctx = crate::ledger_key::seal_context(&l.board_id);
            let secret = self.master().open(&l.secret_sealed, &ctx)?;
            tx.reseal_ledger_log(&l.board_id, &new.seal(&secret, &ctx)).await?;
        }
        let hospital_keys = tx.all_hospital_keys().await?;
        for k in &hospital_keys {
            let ctx = crate::keystore::hospital_key_context(&k.hospital_id, &k.key_id);
            let secret = self.master().open(&k.secret_sealed, &ctx)?;
            tx.reseal_hospital_key(&k.hospital_id, &k.key_id, &new.seal(&secret, &ctx)).await?;
        }
        tx.put_setting("master_key_id", &new.id()).await?;
        tx.commit().await?;
        Ok(keys.len() + logs.len() + hospital_keys.len())
    }
}
