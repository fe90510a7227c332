//! medcred storage: one connection pool over SQLite (the embedded default) or PostgreSQL, the
//! migrations for both, and small repositories that speak in plain rows — no SQL types leak out.

mod db;
pub mod error;
pub mod rows;
pub mod testing;

mod account_rows;
mod accounts;
mod backup;
mod board_activity;
mod boards;
mod credentials;
mod hospital_rows;
mod hospitals;
mod keys;
mod leases;
mod ledger;
mod oid4vci;
mod oid4vci_rows;
mod oid4vp;
mod oid4vp_rows;
mod probe;
mod reissue;
mod schema;
mod settings;
mod status;
mod tokens;
mod verifications;
mod witness_forks;

pub use account_rows::*;
pub use accounts::email_key;
pub use backup::BackupKind;
pub use db::{Backend, Db, Tx};
pub use error::StoreError;
pub use hospital_rows::*;
pub use leases::LeaseRow;
pub use oid4vci_rows::*;
pub use oid4vp_rows::*;
pub use probe::{probe, Probe};
pub use reissue::{reissue_state, KeyCompromiseRow, ReissueRow};
pub use rows::*;
