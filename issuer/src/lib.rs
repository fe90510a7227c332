//! medcred issuer: boards with DIDs and sealed keys, credential issuance in four formats, bulk
//! import, and the HTTP API (VC-API issue routes, board management, DID documents, the DID
//! Configuration linking did:web boards to this deployment's origin), and OpenID4VCI delivery of
//! credentials to wallets.

pub mod api;
pub mod bulk;
pub mod clock;
pub mod compromise;
pub mod did_web;
pub mod domain_linkage;
pub mod error;
pub mod holder;
pub mod issue;
pub mod keystore;
pub mod ledger_key;
pub mod oid4vci;
pub mod sequencer;
pub mod service;
pub mod status_slots;
pub mod tokens;

pub use api::router;
pub use clock::{Clock, FixedClock, SystemClock};
pub use error::IssuerError;
pub use issue::{Issued, Secured};
pub use keystore::MasterKey;
pub use sequencer::Sequencer;
pub use service::{CreatedBoard, Issuer, NewBoard};
